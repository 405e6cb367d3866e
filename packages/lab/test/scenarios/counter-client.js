'use strict';
// The scenario suite's client, run in the lab's client namespace: one HTTP GET at a time to the
// counter service on the VIP, every INTERVAL ms, and one line per request on stdout:
//
//   C <seq> <sent_ns> <done_ns> ok <node> <value>
//   C <seq> <sent_ns> <done_ns> err <what>
//
// Times are CLOCK_MONOTONIC nanoseconds (process.hrtime), the clock of the lab's VIP probe and of
// the harness. Requests never overlap, so the order of the lines is the order in which the server
// side answered: the values a healthy cluster returns are strictly increasing.
//
// Bounded: exits after --duration-s, or as soon as stdin closes (the harness went away).
//
//   node counter-client.js URL INTERVAL_MS TIMEOUT_MS DURATION_S
const http = require('http');
const { setTimeout } = require('timers');

const [url, intervalText, timeoutText, durationText] = process.argv.slice(2);
const intervalMs = Number(intervalText);
const timeoutMs = Number(timeoutText);
const durationS = Number(durationText);
if (!url || !(intervalMs >= 10 && intervalMs <= 10000) || !(timeoutMs >= 50 && timeoutMs <= 60000) || !(durationS > 0 && durationS <= 86400)) {
  process.stderr.write('usage: counter-client.js URL INTERVAL_MS(10..10000) TIMEOUT_MS(50..60000) DURATION_S(..86400)\n');
  process.exit(2);
}
const now = () => process.hrtime.bigint();
const endAt = now() + BigInt(Math.round(durationS * 1e9));
let stopping = false;
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => (stopping = true));
process.stdin.on('error', () => (stopping = true));
process.stdout.on('error', () => process.exit(0));

function once(seq) {
  return new Promise((resolve) => {
    const sent = now();
    let settled = false;
    const finish = (text) => {
      if (settled) return;
      settled = true;
      process.stdout.write(`C ${seq} ${sent} ${now()} ${text}\n`);
      resolve();
    };
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (body.length < 200) body += chunk;
      });
      res.on('end', () => {
        const match = /^([a-z][a-z0-9]*) (\d+)\n$/.exec(body);
        if (res.statusCode === 200 && match) finish(`ok ${match[1]} ${match[2]}`);
        else finish(`err http${res.statusCode}:${body.trim().replace(/\s+/g, '_').slice(0, 60) || '-'}`);
      });
      res.on('error', (err) => finish(`err ${err.code || 'response'}`));
    });
    req.on('timeout', () => {
      req.destroy();
      finish('err timeout');
    });
    req.on('error', (err) => finish(`err ${err.code || 'request'}`));
    // A hard bound even if the socket never reports anything.
    setTimeout(() => {
      req.destroy();
      finish('err timeout');
    }, timeoutMs + 1000).unref();
  });
}

async function main() {
  for (let seq = 1; !stopping && now() < endAt; seq += 1) {
    const started = now();
    await once(seq);
    const waitMs = intervalMs - Number(now() - started) / 1e6;
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
  process.exit(0);
}

main();
