import assert from "node:assert/strict";
import { RecordingMocks, urnLabel } from "../../tools/plan/recorder";

describe("plan mocks", () => {
  it("fail loudly on an invoke they do not know", () => {
    const mocks = new RecordingMocks();
    assert.throws(
      () => mocks.call({ token: "aws:ec2/getAmi:getAmi", inputs: {} }),
      /^Error: no mock for invoke aws:ec2\/getAmi:getAmi; add one to providers\/<cloud>\/mocks\.ts$/,
    );
    assert.deepEqual(mocks.errors, [
      "no mock for invoke aws:ec2/getAmi:getAmi; add one to providers/<cloud>/mocks.ts",
    ]);
  });

  it("mask secret inputs", () => {
    const mocks = new RecordingMocks();
    mocks.newResource({
      type: "aws:ssm/parameter:Parameter",
      name: "p",
      inputs: {
        value: {
          "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
          value: "hunter2",
        },
      },
      custom: true,
    });
    assert.deepEqual(mocks.resources[0].inputs, { value: "[secret]" });
  });

  it("label parents by their own type and name", () => {
    assert.equal(
      urnLabel(
        "urn:pulumi:test::ha-web-service::haweb:index:HighlyAvailableWebService$aws:lb/loadBalancer:LoadBalancer::web-alb",
      ),
      "aws:lb/loadBalancer:LoadBalancer::web-alb",
    );
  });
});
