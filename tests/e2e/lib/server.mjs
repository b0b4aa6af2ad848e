// Starts the real interactiond binary on an ephemeral loopback port with a fresh data dir, and
// stops it. Every e2e test file drives the server only through HTTP, as a partner would.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const binary = process.env.INTERACTIOND_BIN ?? path.join(repoRoot, 'build', 'interactiond');
export const referenceDir = path.resolve(repoRoot, '..', 'shared', 'reference');

export function makeDataDir() {
  return mkdtempSync(path.join(tmpdir(), 'interactiond-e2e-'));
}

// Runs `interactiond demo-env` and returns its KEY=VALUE lines as an object.
export function demoEnv(dataDir, extraArgs = []) {
  const out = execFileSync(binary, ['demo-env', '--data', dataDir, ...extraArgs], { encoding: 'utf8' });
  return Object.fromEntries(
    out.trim().split('\n').map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    }),
  );
}

// Starts the server. Resolves once it prints its base URL. Options: dataDir (reused across
// restarts), args (extra serve flags), env.
export async function startServer({ dataDir = makeDataDir(), args = [], keepData = false } = {}) {
  // The Pub/Sub API listeners get ephemeral ports too unless a test names them.
  const pubsubArgs = [];
  if (!args.includes('--pubsub-port')) pubsubArgs.push('--pubsub-port', '0');
  if (!args.includes('--pubsub-plaintext-port')) pubsubArgs.push('--pubsub-plaintext-port', '0');
  const proc = spawn(binary, ['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', '0', ...pubsubArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15000);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (chunk) => { output += chunk.toString(); });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  proc.removeAllListeners('exit');
  proc.stdout.on('data', (chunk) => { output += chunk.toString(); });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = Number(new URL(baseUrl).port);
  // The banner prints the Pub/Sub lines with the base URL (one flush); -1 when a listener is off.
  const pubsubPort = (kind) => {
    const match = output.match(new RegExp(`pubsub \\(${kind}\\) listening on \\S+:(\\d+)`));
    return match ? Number(match[1]) : -1;
  };
  const env = demoEnv(dataDir, ['--port', String(port)]);
  return {
    baseUrl,
    port,
    dataDir,
    proc,
    env,
    pubsubTlsPort: pubsubPort('TLS'),
    pubsubPlaintextPort: pubsubPort('plaintext'),
    output: () => output,
    exited,
    // Stops with SIGTERM (graceful) or the given signal; resolves with the exit status.
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const status = await exited;
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
      return status;
    },
  };
}

// Records a catalogue code a test provoked, for the end-of-run coverage report.
export function recordCode(code) {
  const file = process.env.E2E_CODES_FILE;
  if (file) appendFileSync(file, `${code}\n`);
}

// `interactiond token --data DIR …` (e.g. ['--app', 'NoScope_ConnectedApp'], ['--ttl', '-60']).
export function mintToken(dataDir, args = []) {
  return execFileSync(binary, ['token', '--data', dataDir, ...args], { encoding: 'utf8' }).trim();
}

// Resolves once GET /health answers 200 (polling), or throws after timeoutMs.
export async function waitForHealth(baseUrl, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.status === 200) return response.json();
      last = `status ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`health did not answer: ${last}`);
}
