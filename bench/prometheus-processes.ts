/** The lab's Prometheus processes, found under its process in /proc: their pid, CPU time and URL. */
import fs from 'node:fs';

export interface PrometheusProcess {
  pid: number;
  /** CPU time so far, ms. */
  cpuMs: number;
  url: string;
}

export function prometheusProcesses(labPid: number): PrometheusProcess[] {
  const procs = fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const fields = stat.slice(close + 2).split(' '); // from field 3 (state) on
        return [{ pid: Number(pid), comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) }];
      } catch {
        return []; // exited meanwhile
      }
    });
  const under = new Set([labPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!under.has(p.pid) && under.has(p.ppid)) (under.add(p.pid), (grew = true));
  }
  const hz = 100; // USER_HZ on Linux
  return procs
    .filter((p) => under.has(p.pid) && p.comm === 'prometheus')
    .map((p) => ({ pid: p.pid, cpuMs: (p.ticks * 1000) / hz, url: `http://${listenAddress(p.pid)}` }));
}

/** A Prometheus process's --web.listen-address (its command line is read for the Prometheus processes only). */
function listenAddress(pid: number): string {
  let cmdline: string[] = [];
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    // exited meanwhile
  }
  return cmdline.find((a) => a.startsWith('--web.listen-address='))?.split('=')[1] ?? '';
}

/** CPU time (ms) spent so far by the `prometheus` processes under the lab's process. */
export function prometheusCpuMs(labPid: number): number {
  return prometheusProcesses(labPid).reduce((sum, p) => sum + p.cpuMs, 0);
}
