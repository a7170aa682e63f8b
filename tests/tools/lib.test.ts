import assert from "node:assert/strict";
import dns from "node:dns";
import { classifyError, lookup } from "../../tools/lib/net";
import { percentile } from "../../tools/lib/output";
import {
  formatDuration,
  parseDuration,
  parseRate,
  parseTolerance,
  withinTolerance,
} from "../../tools/lib/parse";
import { parseFlags } from "../../tools/lib/args";

describe("tools/lib", () => {
  describe("parseDuration", () => {
    const good: [string, number][] = [
      ["500ms", 500],
      ["1s", 1_000],
      ["1.5s", 1_500],
      ["2m", 120_000],
      ["1h", 3_600_000],
    ];
    for (const [text, ms] of good)
      it(`${text} → ${ms} ms`, () => assert.equal(parseDuration(text, "every"), ms));
    for (const text of ["30", "1d", "-1s", "0s", "s", ""]) {
      it(`refuses ${JSON.stringify(text)}`, () =>
        assert.throws(() => parseDuration(text, "every"), {
          name: "UsageError",
          message: `--every: expected a duration such as 500ms, 30s, 2m or 1h; got ${JSON.stringify(text)}`,
        }));
    }
  });

  describe("parseRate", () => {
    const good: [string, number | "max"][] = [
      ["2/s", 2],
      ["50", 50],
      ["120/m", 2],
      ["3600/h", 1],
      ["max", "max"],
    ];
    for (const [text, rate] of good)
      it(`${text} → ${rate}`, () => assert.equal(parseRate(text, "rate"), rate));
    for (const text of ["0/s", "2/d", "fast", "-1"]) {
      it(`refuses ${JSON.stringify(text)}`, () =>
        assert.throws(() => parseRate(text, "rate"), {
          message: `--rate: expected a rate such as 2/s, 120/m, 50 (per second) or max; got ${JSON.stringify(text)}`,
        }));
    }
  });

  describe("tolerance", () => {
    it("reads counts and shares", () => {
      assert.deepEqual(parseTolerance("3", "tolerance"), { kind: "count", value: 3 });
      assert.deepEqual(parseTolerance("0.5%", "tolerance"), { kind: "percent", value: 0.5 });
      assert.throws(
        () => parseTolerance("1.5", "tolerance"),
        /expected a number of failed requests/,
      );
      assert.throws(
        () => parseTolerance("101%", "tolerance"),
        /expected a number of failed requests/,
      );
    });

    const cases: [number, number, string, boolean][] = [
      [0, 100, "0", true],
      [1, 100, "0", false],
      [3, 100, "3", true],
      [4, 100, "3", false],
      [1, 200, "0.5%", true],
      [2, 200, "0.5%", false],
      [0, 0, "0%", true],
    ];
    for (const [failed, total, text, pass] of cases) {
      it(`${failed} of ${total} with tolerance ${text}: ${pass ? "pass" : "fail"}`, () =>
        assert.equal(withinTolerance(failed, total, parseTolerance(text, "t")), pass));
    }
  });

  it("formats durations for people", () => {
    assert.deepEqual([950, 1_500, 59_960, 90_000].map(formatDuration), [
      "950 ms",
      "1.5 s",
      "60 s",
      "1m30s",
    ]);
  });

  it("takes percentiles by nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.deepEqual(
      [50, 95, 99, 100].map((p) => percentile(values, p)),
      [50, 95, 99, 100],
    );
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), undefined);
  });

  it("turns parseArgs errors into one-line usage errors", () => {
    assert.throws(() => parseFlags(["--nope"], { url: { type: "string" } }), {
      name: "UsageError",
      message: /Unknown option '--nope'/,
    });
    assert.equal(parseFlags(["--url", "x"], { url: { type: "string" } }).url, "x");
  });

  describe("net", () => {
    it("fails names under .invalid without asking any resolver (RFC 6761)", async () => {
      const original = dns.lookup;
      let asked = 0;
      (dns as { lookup: unknown }).lookup = (...args: unknown[]) => {
        asked += 1;
        return (original as (...a: unknown[]) => void)(...args);
      };
      try {
        const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
          lookup("service.example.invalid", { all: true }, (e) => resolve(e)),
        );
        assert.equal(error?.code, "ENOTFOUND");
        assert.equal(asked, 0);
        // Anything else goes to the system resolver (here a literal, so still no traffic).
        await new Promise<void>((resolve) => lookup("127.0.0.1", {}, () => resolve()));
        assert.equal(asked, 1);
      } finally {
        (dns as { lookup: unknown }).lookup = original;
      }
    });

    const errors: [string, unknown, string, string][] = [
      [
        "refused",
        Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
        "refused",
        "ECONNREFUSED",
      ],
      ["dns", Object.assign(new Error("x"), { code: "ENOTFOUND" }), "dns", "ENOTFOUND"],
      [
        "tls in a cause",
        new Error("fetch failed", {
          cause: Object.assign(new Error("x"), { code: "ERR_SSL_WRONG_VERSION_NUMBER" }),
        }),
        "tls",
        "ERR_SSL_WRONG_VERSION_NUMBER",
      ],
      [
        "happy eyeballs",
        Object.assign(
          new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]),
          {},
        ),
        "refused",
        "ECONNREFUSED",
      ],
      [
        "undici timeout",
        Object.assign(new Error("x"), { code: "UND_ERR_HEADERS_TIMEOUT" }),
        "timeout",
        "UND_ERR_HEADERS_TIMEOUT",
      ],
      ["abort signal timeout", new DOMException("t", "TimeoutError"), "timeout", "TimeoutError"],
      ["unknown", Object.assign(new Error("x"), { code: "EWHATEVER" }), "other", "EWHATEVER"],
    ];
    for (const [name, error, kind, code] of errors) {
      it(`classifies ${name}`, () => assert.deepEqual(classifyError(error), { kind, code }));
    }
  });
});
