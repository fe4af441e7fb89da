// The course's shape: one entry per chapter. The sidebar, the "coming"
// badges and the source checks all read this list, so a later chapter
// only fills in its pages (see docs/README.md, "Switching a chapter on").
//
// Whether a page is finished is read from the page itself: a page whose
// front matter says `status: coming` is an outline, shown with a
// "(coming)" badge.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const repoDir = path.resolve(docsDir, '..')

export const chapters = [
  { n: 1, slug: '01-znode-tree', title: 'The znode tree', part: 'ZooKeeper' },
  { n: 2, slug: '02-watches-sessions', title: 'Watches and sessions', part: 'ZooKeeper' },
  { n: 3, slug: '03-zab-broadcast', title: 'ZAB broadcast', part: 'ZooKeeper' },
  { n: 4, slug: '04-zab-election', title: 'ZAB election and recovery', part: 'ZooKeeper' },
  { n: 5, slug: '05-segment-log', title: 'The segment log', part: 'Kafka' },
  { n: 6, slug: '06-partitioning', title: 'Partitioning', part: 'Kafka' },
  { n: 7, slug: '07-isr-replication', title: 'ISR replication', part: 'Kafka' },
  { n: 8, slug: '08-controller', title: 'The controller', part: 'Kafka' },
  { n: 9, slug: '09-consumer-offsets', title: 'Consumer groups and offsets', part: 'Kafka' },
]

// frontmatter reads the simple `key: value` lines of a page's front matter.
export function frontmatter(file) {
  let src
  try {
    src = fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const m = /^---\n([\s\S]*?)\n---/.exec(src)
  const out = {}
  if (m) {
    for (const line of m[1].split('\n')) {
      const kv = /^([\w-]+):\s*(.*)$/.exec(line)
      if (kv) out[kv[1]] = kv[2].replace(/^['"]|['"]$/g, '')
    }
  }
  return out
}

// page returns the docs page of a chapter's chapter/lab/solution, and
// whether it is still an outline.
export function page(kind, ch) {
  const rel = `${kind}/${ch.slug}/index.md`
  const fm = frontmatter(path.join(docsDir, rel))
  return { link: `/${kind}/${ch.slug}/`, file: rel, exists: fm !== null, coming: !fm || fm.status === 'coming' }
}
