import type { DrillResult, Topology, VerifyReport } from './report.js';

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2430;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6573}
.summary span{display:inline-block;margin-right:14px;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #d8dde3;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4}
td.status{font-weight:700;text-transform:uppercase;white-space:nowrap}
tr.pass td.status{color:#1a7f37}tr.fail td.status{color:#cf222e}tr.warn td.status{color:#9a6700}
tr.fail{background:#fff5f5}tr.warn{background:#fffbea}
pre{white-space:pre-wrap;margin:4px 0 0;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
details summary{cursor:pointer;color:#5b6573}
.why{color:#5b6573;font-size:12px}
svg text{font:12px system-ui,sans-serif}
`;

/** The cluster from the inventory: one box per node (roles, addresses), the VIPs over the nodes holding them. */
export function topologySvg(t: Topology): string {
  const w = 215;
  const gap = 24;
  const width = Math.max(400, t.nodes.length * (w + gap) + gap);
  const height = 190;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="topology" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="cluster topology">`,
  ];
  const xOf = (i: number) => gap + i * (w + gap);
  t.vips.forEach((v, k) => {
    const held = v.holders ?? [];
    const idx = t.nodes.findIndex((n) => held.includes(n.name));
    const x = idx >= 0 ? xOf(idx) + w / 2 : width / 2;
    const y = 22 + k * 26;
    parts.push(
      `<g class="vip" data-vip="${esc(v.id)}"><rect x="${x - 80}" y="${y - 15}" width="160" height="22" rx="11" fill="#ddf4ff" stroke="#0969da"/>`,
      `<text x="${x}" y="${y}" text-anchor="middle">${esc(`${v.id} ${v.ip}/${v.cidr}`)}${v.holders === null ? ' (not read)' : held.length === 0 ? ' (nowhere)' : ''}</text></g>`,
    );
    for (const h of held) {
      const i = t.nodes.findIndex((n) => n.name === h);
      if (i >= 0)
        parts.push(
          `<line x1="${x}" y1="${y + 7}" x2="${xOf(i) + w / 2}" y2="70" stroke="#0969da" stroke-width="2"/>`,
        );
    }
  });
  t.nodes.forEach((n, i) => {
    const x = xOf(i);
    parts.push(
      `<g class="node" data-node="${esc(n.name)}"><rect x="${x}" y="70" width="${w}" height="100" rx="8" fill="#fff" stroke="${n.clusterMember ? '#1a7f37' : '#8c959f'}" stroke-width="2"/>`,
      `<text x="${x + 10}" y="92" font-weight="700">${esc(n.name)}</text>`,
      `<text x="${x + 10}" y="112">${esc(n.addresses.join(', '))}</text>`,
      `<text x="${x + 10}" y="132">${esc(n.roles.join(', '))}</text>`,
      `<text x="${x + 10}" y="152" fill="#5b6573">${n.clusterMember ? 'corosync/pacemaker member' : 'not a cluster member'}</text></g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A drill's timeline: probe results as ticks along time, faults, fencing and resource moves as labelled marks. */
export function timelineSvg(d: DrillResult): string {
  const width = 900;
  const height = 120;
  const end = Math.max(1, d.durationMs, ...d.timeline.map((e) => e.atMs));
  const x = (ms: number) => 40 + (ms / end) * (width - 80);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-drill="${esc(d.id)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of ${esc(d.id)}">`,
    `<line x1="40" y1="60" x2="${width - 40}" y2="60" stroke="#8c959f"/>`,
    `<text x="40" y="110">0 s</text><text x="${width - 40}" y="110" text-anchor="end">${(end / 1000).toFixed(1)} s</text>`,
  ];
  let labelRow = 0;
  for (const e of d.timeline) {
    const px = Math.round(x(e.atMs)); // whole pixels: crisp ticks and marks
    if (e.kind === 'probe-ok' || e.kind === 'probe-fail')
      parts.push(
        `<rect class="${e.kind}" x="${px}" y="50" width="2" height="20" shape-rendering="crispEdges" fill="${e.kind === 'probe-ok' ? '#1a7f37' : '#cf222e'}"><title>${esc(`${(e.atMs / 1000).toFixed(2)} s ${e.label}`)}</title></rect>`,
      );
    else {
      const y = 16 + (labelRow++ % 2) * 14;
      parts.push(
        `<g class="mark ${e.kind}"><line x1="${px}" y1="${y + 4}" x2="${px}" y2="80" stroke="#6639ba" stroke-width="2" stroke-dasharray="3 2" shape-rendering="crispEdges"/><text x="${px}" y="${y}">${esc(e.label)}</text></g>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** One self-contained page (no script, no external resource): summary, topology, checks table, drills. */
export function reportHtml(r: VerifyReport): string {
  const s = r.summary;
  const rows = r.checks.map(
    (c) => `<tr class="${c.status}" data-check="${esc(c.id)}">
<td class="status">${c.status}</td>
<td><b>${esc(c.title)}</b><div class="why">${esc(c.id)} · ${esc(c.why)}</div></td>
<td><pre>${esc(c.message)}</pre>${c.details ? `<details><summary>details</summary><pre>${esc(c.details)}</pre></details>` : ''}</td>
<td class="why">${esc(c.reads)}<br>expects: ${esc(c.expects)}</td>
<td>${c.measurements.map((m) => `${esc(`${m.host ? `${m.host}: ` : ''}${m.name}`)} = ${esc(String(m.value))}${m.unit ? ` ${esc(m.unit)}` : ''}`).join('<br>')}</td>
</tr>`,
  );
  const drills = r.drills.length
    ? r.drills
        .map(
          (
            d,
          ) => `<section class="drill" data-drill="${esc(d.id)}"><h3>${esc(d.title)} — ${d.status}</h3><pre>${esc(d.message)}</pre>
${timelineSvg(d)}
<table class="measurements"><tr><th>measurement</th><th>value</th></tr>${d.measurements.map((m) => `<tr><td>${esc(m.name)}</td><td>${esc(String(m.value))}${m.unit ? ` ${esc(m.unit)}` : ''}</td></tr>`).join('')}</table></section>`,
        )
        .join('\n')
    : '<p class="meta" id="no-drills">No drill ran in this verification.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>hakit verify: ${esc(r.topology.cluster)}</title>
<style>${STYLE}</style></head>
<body>
<h1>hakit verify: ${esc(r.topology.cluster)}</h1>
<p class="meta">${esc(r.startedAt)} · ${(r.durationMs / 1000).toFixed(1)} s · inventory ${esc(r.inventory)} · hakit ${esc(r.tool.version)}</p>
<p class="summary" id="summary"><span>${s.checks.total} checks</span><span style="color:#1a7f37">${s.checks.passed} passed</span><span style="color:#cf222e">${s.checks.failed} failed</span><span style="color:#9a6700">${s.checks.warned} warnings</span>${s.drills.total ? `<span>${s.drills.passed}/${s.drills.total} drills passed</span>` : ''}<span>exit ${s.exitCode}</span></p>
<h2>Cluster</h2>
${topologySvg(r.topology)}
<h2>Health checks</h2>
<table id="checks"><thead><tr><th>status</th><th>check</th><th>result</th><th>reads</th><th>measurements</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
<h2>Drills</h2>
${drills}
</body></html>
`;
}
