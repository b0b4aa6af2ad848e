// Start-up time: from spawning `interactiond serve` to its "listening on" line (HTTP and Pub/Sub
// listeners bound, store open), over N starts of the same data dir. Prints one line:
//   startup first_ms=<first start> median_ms=<median of the rest> samples=...
import { spawn } from 'node:child_process';

const [binary, dataDir, count = '7'] = process.argv.slice(2);
const samples = [];
for (let i = 0; i < Number(count); i += 1) {
  const started = process.hrtime.bigint();
  const child = spawn(binary, ['serve', '--data', dataDir, '--port', '0', '--pubsub-port', '0',
    '--pubsub-plaintext-port', '0', '--no-request-log'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      if (seen.includes('listening on')) resolve();
    });
    child.on('exit', () => reject(new Error('server exited before listening')));
  });
  samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.on('exit', resolve));
}
const rest = samples.slice(1).sort((a, b) => a - b);
const median = rest[Math.floor(rest.length / 2)];
console.log(`startup first_ms=${samples[0].toFixed(1)} median_ms=${median.toFixed(1)} samples=${samples.map((s) => s.toFixed(0)).join(',')}`);
