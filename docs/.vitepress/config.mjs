import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitepress'
import { withMermaid } from 'vitepress-plugin-mermaid'
import { chapters, page } from './course.mjs'
import { sourcesPlugin, repoURL } from './sources.mjs'

const coming = ' <span class="coming">(coming)</span>'

function item(kind, ch, text) {
  const p = page(kind, ch)
  return { text: text + (p.coming ? coming : ''), link: p.link }
}

function chapterGroup(part) {
  return {
    text: part === 'ZooKeeper' ? 'ZooKeeper (chapters 1–4)' : 'Kafka (chapters 5–9)',
    collapsed: false,
    items: chapters
      .filter((c) => c.part === part)
      .map((c) => item('chapters', c, `${c.n}. ${c.title}`)),
  }
}

const sidebar = [
  {
    text: 'Start',
    items: [
      { text: 'What zkafka is', link: '/' },
      { text: 'What the popular articles get wrong', link: '/myths' },
    ],
  },
  chapterGroup('ZooKeeper'),
  chapterGroup('Kafka'),
  {
    text: 'Labs',
    collapsed: false,
    items: chapters.map((c) => item('labs', c, `Lab ${c.n}: ${c.title}`)),
  },
  {
    text: 'Worked solutions',
    collapsed: true,
    items: chapters.map((c) => item('solutions', c, `Solution ${c.n}`)),
  },
  {
    text: 'Reference',
    collapsed: false,
    items: [
      { text: 'ZooKeeper facts', link: '/reference/zookeeper' },
      { text: 'Kafka facts', link: '/reference/kafka' },
      { text: 'Wire protocol notes', link: '/reference/wire-protocol' },
      { text: 'Kafka’s paths in ZooKeeper', link: '/reference/kafka-paths' },
      { text: 'Kafka 2.3’s znodes', link: '/reference/kafka-znodes' },
      { text: 'Configuration', link: '/reference/configuration' },
      { text: 'Command-line tools', link: '/reference/cli' },
      { text: 'The live picture', link: '/reference/picture' },
    ],
  },
  {
    text: 'Teaching and contributing',
    items: [
      { text: 'Running the course', link: '/teaching' },
      { text: 'Developing zkafka', link: '/developing' },
    ],
  },
]

// The site is served from the root unless DOCS_BASE says otherwise (e.g.
// "/zkafka/" for a project page).
export default withMermaid(
  defineConfig({
    title: 'zkafka',
    description: 'ZooKeeper and Kafka, built from scratch in Go, one chapter at a time.',
    base: process.env.DOCS_BASE || '/',
    lang: 'en-US',
    srcExclude: ['README.md', 'node_modules/**', 'scripts/**'],
    // Dead links fail the build (VitePress's default; keep it).
    ignoreDeadLinks: false,
    lastUpdated: false,
    head: [['meta', { name: 'theme-color', content: '#3c8772' }]],
    vite: {
      resolve: {
        // The plugin's diagram component re-renders under one id and
        // races (theme/Mermaid.vue says how); ours replaces it.
        alias: { 'vitepress-plugin-mermaid/Mermaid.vue': fileURLToPath(new URL('./theme/Mermaid.vue', import.meta.url)) },
      },
    },
    markdown: {
      theme: { light: 'github-light', dark: 'github-dark' },
      config: (md) => sourcesPlugin(md),
    },
    themeConfig: {
      nav: [
        { text: 'Chapters', link: '/chapters/01-znode-tree/' },
        { text: 'Labs', link: '/labs/01-znode-tree/' },
        { text: 'Reference', link: '/reference/wire-protocol' },
        { text: 'Teaching', link: '/teaching' },
      ],
      sidebar,
      outline: { level: [2, 3] },
      search: { provider: 'local' },
      socialLinks: [{ icon: 'github', link: repoURL.replace(/\/blob\/.*$/, '') }],
      footer: {
        message: 'Code excerpts are pulled from the repository at build time; every claim about the real systems cites its source.',
      },
    },
    mermaid: {
      // No external fonts: the same system stack as .mermaid in custom.css.
      theme: 'default',
      fontFamily: "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif",
      sequence: { useMaxWidth: false, wrap: true, width: 190, actorMargin: 30, noteMargin: 8 },
      themeVariables: {
        fontFamily: "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif",
      },
    },
  }),
)
