/** Entry of the hostile servers' child process (test/hostile-servers.ts: startHostileProcess). */
import { runHostileServers } from './hostile-servers';

void runHostileServers(process.argv[2]);
