/** Where a backend's CPU time and allocations went, from V8 profiles. */
import fs from 'node:fs';
import path from 'node:path';

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/** Where the sampled bytes of a .heapprofile were allocated, by package and function. */
export function printAllocations(file: string, requestsPerRoute: number) {
  const { head } = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    head: AllocationNode;
  };
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const visit = (node: AllocationNode) => {
    const pkg = packageOf(node.callFrame.url);
    total += node.selfSize;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
    const fn = functionLabel(node.callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
    node.children.forEach(visit);
  };
  visit(head);
  const top = (map: Map<string, number>, n: number) =>
    topShares(
      map,
      n,
      total,
      bytes => `${(bytes / 1024 / 1024).toFixed(1)} MiB`,
    );
  console.log(
    `\nAllocations of run 1's backend over the warm rounds (${file}; ${requestsPerRoute} requests of each of the three routes), ${(
      total /
      1024 /
      1024
    ).toFixed(0)} MiB sampled, ${(total / 3 / requestsPerRoute / 1024).toFixed(
      1,
    )} KiB a request on average, by package:\n${top(byPackage, 15)}`,
  );
  console.log(`\nby function:\n${top(byFunction, 25)}`);
}

/** The `n` largest entries of `map`, one line each: amount, share of `total`, key. */
function topShares(
  map: Map<string, number>,
  n: number,
  total: number,
  amount: (value: number) => string,
): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([key, value]) =>
        `  ${amount(value).padStart(11)} ${((value / total) * 100)
          .toFixed(1)
          .padStart(5)}%  ${key}`,
    )
    .join('\n');
}

/** `function package:line` of a profile's call frame. */
function functionLabel(frame: {
  functionName: string;
  url: string;
  lineNumber: number;
}): string {
  return `${frame.functionName || '(anonymous)'} ${packageOf(frame.url)}${
    frame.url ? `:${frame.lineNumber + 1}` : ''
  }`;
}

/** The npm package (or repository folder) a script URL belongs to. */
export function packageOf(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/plugins/')) {
    return `plugins/${url.split('/plugins/')[1].split('/')[0]}`;
  }
  if (url.startsWith('node:')) return url;
  return url ? path.basename(url) : '(native / V8)';
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time of the newest CPU profile in `dir`, by package and by function. */
export function printCpuProfile(dir: string) {
  const file = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.cpuprofile'))
    .map(f => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!file) {
    console.log(`no CPU profile in ${dir}`);
    return;
  }
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const inStatusRoute = (id: number | undefined): boolean => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)!.callFrame.url.includes('tenantStatusRoutes')) {
        return true;
      }
    }
    return false;
  };
  // Startup (loading and transpiling modules) is not what is measured: count from the
  // first sample inside the status route on.
  const first = profile.samples.findIndex(id => inStatusRoute(id));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    if (first < 0 || i < first) return;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const where = packageOf;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const pkg = where(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const fn = functionLabel(node.callFrame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const top = (map: Map<string, number>, n: number) =>
    topShares(map, n, total, ms => `${ms.toFixed(0)} ms`);
  console.log(
    `\nCPU profile of run 1's backend (${file}) from its first status request to its exit (cold burst, idle window, warm, floors), ${total.toFixed(
      0,
    )} ms sampled, self time by package:\n${top(byPackage, 20)}`,
  );
  console.log(`\nby function:\n${top(byFunction, 30)}`);
}
