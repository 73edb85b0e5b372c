// Which manifest entry each weight a model will create reads: by Keras's name for it (the mapping may
// rename), by Keras 3's `vars/<i>`, exactly or under a scope prefix, shapes checked.
import type { Model } from '@neurite/model';
import { kerasWeightName, mappingForKeras } from './mapping.js';
import type { Findings } from './settings.js';
import type { KerasTopology } from './topology.js';
import type { Manifest, ManifestEntry } from './weights.js';

// Manifest names as Keras writes them: `<layer>/<weight>`, perhaps under a model prefix, perhaps `:0`.
const bare = (n: string) => n.replace(/:0$/, '');

/** Which manifest entry each weight of the model reads, by name (or Keras 3's `vars/<i>`), shapes checked. */
export function assign(
  model: Model,
  manifest: Manifest,
  file: KerasTopology,
  findings: Findings,
): { assignments: Map<string, ManifestEntry>; unused: string[] } {
  const classOf = new Map(file.layers.map((l) => [l.name, l.className]));
  const entries = manifest.entries.map((e) => ({ e, n: bare(e.name) }));
  const exact = new Map(entries.map((x) => [x.n, x.e]));
  // Entries by their last 2 to 4 name segments ('block/conv/kernel' under 'model/block/conv/kernel'),
  // so a scoped name is found in one lookup rather than a scan of every entry per weight.
  const suffixes = new Map<string, { e: ManifestEntry; n: string }[]>();
  for (const x of entries) {
    const parts = x.n.split('/');
    for (let k = 2; k <= 4 && k < parts.length; k++) {
      const key = parts.slice(-k).join('/');
      const list = suffixes.get(key);
      if (list) list.push(x);
      else suffixes.set(key, [x]);
    }
  }
  const assignments = new Map<string, ManifestEntry>();
  const used = new Set<ManifestEntry>();
  const index = new Map<string, number>();
  for (const { layer, weight } of model.planWeights()) {
    const i = index.get(layer.name) ?? 0;
    index.set(layer.name, i + 1);
    const keras = kerasWeightName(mappingForKeras(classOf.get(layer.name) ?? ''), weight.name);
    const names = [`${layer.name}/${keras}`, `${layer.name}/vars/${i}`];
    let found: ManifestEntry | undefined;
    for (const want of names) {
      found = exact.get(want);
      if (found) break;
      const suffixed = suffixes.get(want) ?? [];
      if (suffixed.length > 1) {
        findings.problems.push(
          `weight '${weight.path}': several manifest entries end in '${want}' (${suffixed.map((x) => x.e.name).join(', ')})`,
        );
      }
      if (suffixed.length === 1) {
        found = (suffixed[0] as { e: ManifestEntry }).e;
        break;
      }
    }
    if (!found) {
      findings.problems.push(
        `weight '${weight.path}' [${weight.shape.join(', ')}]: no manifest entry named '${names[0]}'`,
      );
      continue;
    }
    if (found.shape.length !== weight.shape.length || found.shape.some((d, k) => d !== weight.shape[k])) {
      findings.problems.push(
        `weight '${weight.path}': the layer makes [${weight.shape.join(', ')}], the file has '${found.name}' as [${found.shape.join(', ')}]`,
      );
      continue;
    }
    assignments.set(weight.path, found);
    used.add(found);
  }
  return { assignments, unused: manifest.entries.filter((e) => !used.has(e)).map((e) => e.name) };
}
