import assert from "node:assert/strict";
import { hostname } from "node:os";
import { appConfigFromEnv, ConfigError, supervisorConfigFromEnv } from "../../app/src/config";

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("app environment", () => {
  it("defaults to the contract: nginx on 8080, app on 3000, a 30 s drain", () => {
    assert.deepEqual(supervisorConfigFromEnv({}), {
      listenHost: "0.0.0.0",
      listenPort: 8080,
      appPort: 3000,
      drainSeconds: 30,
      webRoot: "/srv/www",
      runtimeDir: "/tmp/runtime",
      nginxBin: "/usr/sbin/nginx",
      instanceId: hostname(),
      zone: null,
      accessLog: true,
      workerProcesses: 2,
      keepaliveTimeoutSeconds: 75,
      testRoutes: false,
    });
  });

  it("reads every variable the image honours", () => {
    const config = supervisorConfigFromEnv({
      PORT: "18080",
      APP_PORT: "13000",
      DRAIN_SECONDS: "1.5",
      INSTANCE_ID: "i-0abc",
      ZONE: "eu-west-1a",
      ACCESS_LOG: "off",
      APP_TEST_ROUTES: "1",
    });
    assert.equal(config.listenPort, 18080);
    assert.equal(config.appPort, 13000);
    assert.equal(config.drainSeconds, 1.5);
    assert.equal(config.instanceId, "i-0abc");
    assert.equal(config.zone, "eu-west-1a");
    assert.equal(config.accessLog, false);
    assert.equal(config.testRoutes, true);
  });

  it("reports every bad variable at once, naming the key, the rule and the value", () => {
    assert.deepEqual(
      problemsOf(() =>
        supervisorConfigFromEnv({
          PORT: "80a",
          DRAIN_SECONDS: "-1",
          WEB_ROOT: "www",
          ACCESS_LOG: "maybe",
          NGINX_WORKER_PROCESSES: "1.5",
        }),
      ),
      [
        'PORT: expected an integer from 1 to 65535; got "80a"',
        'DRAIN_SECONDS: expected a number from 0 to 110; got "-1"',
        'WEB_ROOT: expected an absolute path; got "www"',
        'ACCESS_LOG: expected one of 1, 0, true, false, on, off; got "maybe"',
        'NGINX_WORKER_PROCESSES: expected an integer from 1 to 64; got "1.5"',
      ],
    );
  });

  it("refuses the same port for nginx and the app", () => {
    assert.deepEqual(
      problemsOf(() => supervisorConfigFromEnv({ PORT: "3000" })),
      ["APP_PORT: expected a port other than PORT (3000); got 3000"],
    );
  });

  it("requires a well-formed APP_VERSION for the app process", () => {
    assert.deepEqual(
      problemsOf(() => appConfigFromEnv({})),
      ['APP_VERSION: expected a version such as 1.0.6 or 1.1.0-rc.1; got ""'],
    );
    assert.deepEqual(
      problemsOf(() => appConfigFromEnv({ APP_VERSION: "v1" })),
      ['APP_VERSION: expected a version such as 1.0.6 or 1.1.0-rc.1; got "v1"'],
    );
    const config = appConfigFromEnv({ APP_VERSION: "1.1.0-rc.1" });
    assert.equal(config.version, "1.1.0-rc.1");
    // Only nginx should reach the app, so it binds loopback unless told otherwise.
    assert.equal(config.host, "127.0.0.1");
  });
});
