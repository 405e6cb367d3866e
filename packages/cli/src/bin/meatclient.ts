// meatclient -c NODE: Heartbeat's command, talking to hbd (= hbctl fence confirm NODE).
import { createInterface } from 'node:readline';
import { runMeatclientCompat } from '../compat/meatclient';
import { processIo } from '../commands/daemon/output';

function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
  });
}

void runMeatclientCompat(process.argv.slice(2), processIo, ask).then((code) => {
  process.exitCode = code;
});
