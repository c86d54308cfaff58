// Where a fan-out server's heap grew between two snapshots (bench/fanout.mjs with
// FANOUT_HEAP_SNAPSHOTS=<dir>): self sizes summed by node type and constructor name, the
// difference per connection, biggest first. `node bench/fanout/heap-breakdown.mjs before.heapsnapshot
// after.heapsnapshot [connections=1001] [rows=25]`.
import { readFileSync } from 'node:fs';

/** `{ "type:name": { count, bytes } }` of one snapshot. */
function sizesByConstructor(path) {
  const snapshot = JSON.parse(readFileSync(path, 'utf8'));
  const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
  const typeNames = types[0];
  const stride = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const totals = new Map();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += stride) {
    const type = typeNames[nodes[i + typeAt]];
    // Strings and numbers by type only: their "names" are their values.
    const name = ['string', 'number', 'concatenated string', 'sliced string'].includes(type)
      ? ''
      : strings[nodes[i + nameAt]].slice(0, 60);
    const key = `${type}:${name}`;
    const total = totals.get(key) ?? { count: 0, bytes: 0 };
    total.count += 1;
    total.bytes += nodes[i + sizeAt];
    totals.set(key, total);
  }
  return totals;
}

const [beforePath, afterPath, connectionsArg = '1001', rowsArg = '25'] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: heap-breakdown.mjs before.heapsnapshot after.heapsnapshot [connections] [rows]');
  process.exit(2);
}
const connections = Number(connectionsArg);
const before = sizesByConstructor(beforePath);
const after = sizesByConstructor(afterPath);
const rows = [...after].map(([key, { count, bytes }]) => {
  const old = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: count - old.count, bytes: bytes - old.bytes };
});
rows.sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`| type:constructor | objects / conn | bytes / conn |`);
console.log('| --- | ---: | ---: |');
for (const row of rows.slice(0, Number(rowsArg))) {
  console.log(
    `| ${row.key} | ${(row.count / connections).toFixed(2)} | ${(row.bytes / connections).toFixed(0)} |`,
  );
}
console.log(`| total | | ${(total / connections).toFixed(0)} |`);
