import fs from 'node:fs';

/** The fenced code blocks of a Markdown file, with their language. */
export function codeBlocks(
  markdown: string,
): Array<{ lang: string; text: string }> {
  const blocks: Array<{ lang: string; text: string }> = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    blocks.push({ lang: m[1], text: m[2] });
  }
  return blocks;
}

/** What a package README tells an adopter to do, read from its code blocks. */
export interface ReadmeSteps {
  /** `yarn --cwd packages/<workspace> add <packages...>`, continuation lines joined. */
  yarnAdds: Array<{ workspace: string; packages: string[] }>;
  /** `backend.add(import('...'));` lines of blocks headed `// packages/backend/src/index.ts`. */
  backendAdds: string[];
  /** Packages the backend block says to remove (`remove the line that adds '<package>'`). */
  backendRemoves: string[];
  /** `kubectl ...` command lines. */
  kubectl: string[];
  /** YAML blocks that start with `kaas:`. */
  kaasConfig: string[];
}

export function readmeSteps(file: string): ReadmeSteps {
  const steps: ReadmeSteps = {
    yarnAdds: [],
    backendAdds: [],
    backendRemoves: [],
    kubectl: [],
    kaasConfig: [],
  };
  for (const { lang, text } of codeBlocks(fs.readFileSync(file, 'utf8'))) {
    const lines = text.replace(/\\\n\s*/g, ' ').split('\n');
    if (lang === 'sh') {
      for (const line of lines) {
        const add = line.match(/^yarn --cwd packages\/(\w+) add (.+)$/);
        if (add) {
          steps.yarnAdds.push({
            workspace: add[1],
            packages: add[2].trim().split(/\s+/),
          });
        }
        if (line.startsWith('kubectl ')) steps.kubectl.push(line.trim());
      }
    }
    if (lang === 'ts' && lines[0] === '// packages/backend/src/index.ts') {
      steps.backendAdds.push(
        ...lines.filter(l => /^backend\.add\(import\('[^']+'\)\);$/.test(l)),
      );
      steps.backendRemoves.push(
        ...[
          ...text.matchAll(
            /remove the line that adds\s*(?:\/\/\s*)?'([^']+)'/g,
          ),
        ].map(m => m[1]),
      );
    }
    if (lang === 'yaml' && text.startsWith('kaas:')) {
      steps.kaasConfig.push(text);
    }
  }
  return steps;
}
