// check-sources runs before `vitepress build` and fails when the site
// points at something the repository does not have:
//
//   - a code excerpt (`<<< @/../path/file.go#region`) whose file or region
//     is missing (VitePress would silently render the whole file, or crash
//     with ENOENT);
//   - an `<!--@include: …-->` of a missing file (VitePress would silently
//     leave the comment in place and render nothing);
//   - a chapter of .vitepress/course.mjs without its chapter, lab or
//     solution page;
//   - a finished chapter page (no `status: coming`) without a code excerpt
//     while its chapter has code… is only a warning: outlines have none.
//
// It warns (without failing) when a lab or solution README has landed in
// the repository but its docs page is still a "coming" outline: switch it
// on (docs/README.md, "Switching a chapter on").
//
// Usage: node scripts/check-sources.mjs   (from docs/; `npm run check`)
import fs from 'node:fs'
import path from 'node:path'
import { chapters, docsDir, repoDir, page } from '../.vitepress/course.mjs'
import { excerpt } from '../.vitepress/sources.mjs'

const errors = []
const warnings = []
let excerpts = 0
let includes = 0

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue
    const p = path.join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (e.name.endsWith('.md')) out.push(p)
  }
  return out
}

const pages = walk(docsDir).filter((p) => path.relative(docsDir, p) !== 'README.md')
const excerptCount = new Map()

for (const file of pages) {
  const rel = path.relative(docsDir, file)
  const src = fs.readFileSync(file, 'utf8')
  let inFence = false
  src.split('\n').forEach((line, i) => {
    const where = `${rel}:${i + 1}`
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence
    if (inFence) return
    const snip = /^\s*<<<\s*(\S+?)(?:#([\w-]+))?(?:\{[^}]*\})?(?:\s*\[.*\])?\s*$/.exec(line)
    if (snip) {
      const target = snip[1].startsWith('@') ? path.join(docsDir, snip[1].slice(1)) : path.resolve(path.dirname(file), snip[1])
      try {
        excerpt(target, snip[2])
        excerpts++
        excerptCount.set(rel, (excerptCount.get(rel) || 0) + 1)
      } catch (e) {
        errors.push(`${where}: ${e.message}`)
      }
    }
    for (const m of line.matchAll(/<!--\s*@include:\s*(.*?)\s*-->/g)) {
      const spec = m[1].replace(/\{\d*,\d*\}$/, '').replace(/#[\w-]+$/, '')
      const target = spec.startsWith('@') ? path.join(docsDir, spec.slice(1)) : path.resolve(path.dirname(file), spec)
      if (!fs.existsSync(target)) errors.push(`${where}: include of a missing file: ${path.relative(repoDir, target)}`)
      else includes++
    }
  })
}

for (const ch of chapters) {
  for (const kind of ['chapters', 'labs', 'solutions']) {
    const p = page(kind, ch)
    if (!p.exists) {
      errors.push(`chapter ${ch.n}: no page docs/${p.file} (every chapter has a chapter, lab and solution page, "status: coming" until written)`)
      continue
    }
    if (kind !== 'chapters') {
      const readme = path.join(repoDir, kind, ch.slug, 'README.md')
      if (p.coming && fs.existsSync(readme)) {
        warnings.push(`${kind}/${ch.slug}/README.md has landed, but docs/${p.file} is still "coming": switch it on (docs/README.md)`)
      }
    } else if (!p.coming && !excerptCount.get(p.file)) {
      errors.push(`docs/${p.file}: a finished chapter page shows no code excerpt (<<< @/../path#region)`)
    }
  }
}

for (const w of warnings) console.warn(`docs check: warning: ${w}`)
if (errors.length) {
  for (const e of errors) console.error(`docs check: ${e}`)
  console.error(`docs check: ${errors.length} problem(s)`)
  process.exit(1)
}
console.log(`docs check: ${pages.length} pages, ${excerpts} code excerpts, ${includes} includes: all sources present`)
