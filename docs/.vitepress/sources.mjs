// Links from the docs into the repository, and code excerpts pulled from it.
//
// Three jobs, all failing the build when something they point at is missing:
//
//  1. `src:` links. `[create.go](src:zk/znode/create.go)` links to the file
//     on the repository (repoURL below); a directory gets a tree link.
//
//  2. Relative links in included files. A lab page docs/labs/NN-slug/index.md
//     includes labs/NN-slug/README.md, whose links are relative to the
//     README (`../../zk/znode/tree.go`). The page sits at the same depth
//     under docs/ as the README does in the repository, so the same
//     relative link, resolved from the page, names docs/<repo path>. A link
//     that names no docs page is therefore mapped back to the repository:
//     a lab or solution README or a docs/*.md file becomes its page on this
//     site, any other file or directory a link to the repository.
//
//  3. Code excerpts. VitePress's `<<< @/../zk/znode/create.go#prep-create`
//     imports a region (`// #region prep-create` … `// #endregion
//     prep-create`). We read the region ourselves so that a missing file or
//     region fails the build instead of rendering the whole file or an error
//     string, trim the blank lines that keep the markers out of Go doc
//     comments, and add a link to the lines on the repository.
import fs from 'node:fs'
import path from 'node:path'
import { docsDir, repoDir } from './course.mjs'

// The repository's file URL base; `blob` becomes `tree` for directories.
// Override with ZKAFKA_REPO_URL (must end in "/").
export const repoURL = process.env.ZKAFKA_REPO_URL || 'https://github.com/zkafka/zkafka/blob/main/'

export function repoLink(rel, { line, endLine } = {}) {
  rel = rel.replace(/^\/+/, '').replace(/\/+$/, '')
  const abs = path.join(repoDir, rel)
  if (!fs.existsSync(abs)) return null
  let base = repoURL
  if (fs.statSync(abs).isDirectory()) base = base.replace('/blob/', '/tree/')
  let url = base + rel
  if (line) url += `#L${line}` + (endLine && endLine !== line ? `-L${endLine}` : '')
  return url
}

// sitePage maps a repository path to a page of this site, or null.
function sitePage(rel) {
  let m = /^(labs|solutions)\/(\d\d-[\w-]+)\/README\.md$/.exec(rel)
  if (m && fs.existsSync(path.join(docsDir, m[1], m[2], 'index.md'))) return `/${m[1]}/${m[2]}/`
  m = /^docs\/(.+)\.md$/.exec(rel)
  if (m && fs.existsSync(path.join(docsDir, m[1] + '.md'))) return `/${m[1]}`
  return null
}

function isDocsPage(rel) {
  // rel is relative to docs/; a VitePress link may omit .md or end in /.
  const bare = rel.replace(/(\.html|\.md)$/, '').replace(/\/$/, '')
  return (
    fs.existsSync(path.join(docsDir, bare + '.md')) ||
    fs.existsSync(path.join(docsDir, bare, 'index.md')) ||
    (rel.endsWith('/') && bare === '') ||
    // assets in docs/public
    fs.existsSync(path.join(docsDir, 'public', rel))
  )
}

// resolve rewrites one href of the page at pageRel (relative to docs/).
// It returns the new href, or throws for a link to nothing.
export function resolveHref(href, pageRel) {
  const [pathPart, hash = ''] = href.split(/#(.*)/s)
  const frag = hash ? '#' + hash : ''
  if (href.startsWith('src:')) {
    const rel = pathPart.slice(4)
    const url = repoLink(rel)
    if (!url) throw new Error(`${pageRel}: src link to a missing path: ${rel}`)
    return url + frag
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('//') || pathPart === '') return href
  // Absolute site links are VitePress's to check.
  if (pathPart.startsWith('/')) return href
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(pageRel), pathPart))
  if (resolved.startsWith('..')) throw new Error(`${pageRel}: link leaves the repository: ${href}`)
  if (isDocsPage(resolved)) return href
  const page = sitePage(resolved)
  if (page) return page + frag
  const url = repoLink(resolved)
  if (url) return url + frag
  throw new Error(`${pageRel}: dead link: ${href} (resolves to ${resolved}, not a docs page nor a repository path)`)
}

// findRegion returns the 1-based [start, end] lines inside a region, or null.
export function findRegion(lines, name) {
  const re = /^\s*\/\/\s?#?(region|endregion)\s+([\w*-]+)\s*$/
  let start = -1
  for (let i = 0; i < lines.length; i++) {
    const m = re.exec(lines[i])
    if (!m || m[2] !== name) continue
    if (m[1] === 'region' && start < 0) start = i + 1
    else if (m[1] === 'endregion' && start >= 0) return [start + 1, i]
  }
  return null
}

// excerpt reads a region of a file: its text (markers of other regions
// dropped, blank edges trimmed, dedented) and its line range.
export function excerpt(file, region) {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`code excerpt: no such file: ${path.relative(repoDir, file)}`)
  const lines = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n').split('\n')
  let first = 1
  let last = lines.length
  if (region) {
    const r = findRegion(lines, region)
    if (!r) throw new Error(`code excerpt: no region "${region}" in ${path.relative(repoDir, file)} (add "// #region ${region}" … "// #endregion ${region}")`)
    ;[first, last] = r
  }
  const marker = /^\s*\/\/\s?#?(end)?region\s+[\w*-]+\s*$/
  while (first <= last && lines[first - 1].trim() === '') first++
  while (last >= first && lines[last - 1].trim() === '') last--
  const body = lines.slice(first - 1, last).filter((l) => !marker.test(l))
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)[0].length))
  const text = body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n')
  return { text, first, last }
}

export function sourcesPlugin(md) {
  // (1, 2) rewrite links while parsing, before VitePress's link renderer
  // normalizes them and records them for its dead-link check.
  md.core.ruler.push('zkafka-links', (state) => {
    const pageRel = state.env.relativePath
    if (!pageRel) return
    const visit = (tokens) => {
      for (const t of tokens) {
        if (t.type === 'link_open') {
          const href = t.attrGet('href')
          if (href) {
            const out = resolveHref(href, pageRel)
            if (out !== href) {
              t.attrSet('href', out)
              if (/^https?:/.test(out)) t.attrSet('target', '_blank')
            }
          }
        }
        if (t.children) visit(t.children)
      }
    }
    visit(state.tokens)
  })

  // (3) code excerpts: the snippet parser leaves token.src = [file, region].
  const fence = md.renderer.rules.fence
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const t = tokens[idx]
    if (!t.src) return fence(tokens, idx, options, env, self)
    const [file, region] = t.src
    const { text, first, last } = excerpt(file, region)
    if (env.includes) env.includes.push(file)
    t.content = text + '\n'
    t.src = undefined
    const rel = path.relative(repoDir, file).split(path.sep).join('/')
    const url = repoLink(rel, { line: first, endLine: last })
    const label = `${rel}${region ? ` · ${region}` : ''} · lines ${first}–${last}`
    return (
      fence(tokens, idx, options, env, self) +
      `<p class="src-link"><a href="${url}" target="_blank" rel="noreferrer">${md.utils.escapeHtml(label)}</a></p>\n`
    )
  }
}
