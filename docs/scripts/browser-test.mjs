// browser-test opens the built site in headless Chromium and checks what a
// reader would see: the home page and every chapter page load without
// console errors and without a single request leaving the machine; a page
// with a mermaid block shows a rendered diagram (an <svg>); a page with a
// code excerpt shows it highlighted; local search finds a word. It saves
// screenshots of the home page and chapters 1 and 3.
//
//   npm run build && npm test          (from docs/; `make docs-test` does both)
//
// Chromium comes from Debian (apt-get install chromium), never downloaded:
// CHROMIUM overrides the path (default /usr/bin/chromium). Screenshots go to
// SCREENSHOT_DIR (default <repo>/out/docs-screenshots).
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { chapters, docsDir, repoDir } from '../.vitepress/course.mjs'

const dist = path.join(docsDir, '.vitepress', 'dist')
const shots = path.resolve(process.env.SCREENSHOT_DIR || path.join(repoDir, 'out', 'docs-screenshots'))
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium'

if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('browser test: no built site in docs/.vitepress/dist; run `npm run build` first')
  process.exit(1)
}
if (!fs.existsSync(executablePath)) {
  console.error(`browser test: no Chromium at ${executablePath}; apt-get install -y chromium (or set CHROMIUM)`)
  process.exit(1)
}

// A tiny static server for the built site (VitePress's links end in .html
// or /; cleanUrls is off).
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' }
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname)
  if (p.endsWith('/')) p += 'index.html'
  let file = path.join(dist, path.normalize(p))
  if (!file.startsWith(dist)) file = path.join(dist, '404.html')
  if (!fs.existsSync(file) && fs.existsSync(file + '.html')) file += '.html'
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404, { 'content-type': 'text/html' })
    res.end(fs.readFileSync(path.join(dist, '404.html')))
    return
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' })
  fs.createReadStream(file).pipe(res)
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const origin = `http://127.0.0.1:${server.address().port}`

// The home page, every chapter page, and every other page with a diagram
// or a code excerpt.
const pages = [{ name: 'home', url: '/', src: 'index.md', shot: 'home.png' }]
for (const ch of chapters) {
  pages.push({
    name: `chapter ${ch.n}`,
    url: `/chapters/${ch.slug}/`,
    src: `chapters/${ch.slug}/index.md`,
    shot: ch.n === 1 || ch.n === 3 ? `chapter-0${ch.n}.png` : null,
  })
}
function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue
    const p = path.join(dir, e.name)
    if (e.isDirectory()) walk(p, out)
    else if (e.name.endsWith('.md') && p !== path.join(docsDir, 'README.md')) out.push(path.relative(docsDir, p))
  }
  return out
}
for (const src of walk(docsDir).sort()) {
  if (pages.some((p) => p.src === src)) continue
  const md = fs.readFileSync(path.join(docsDir, src), 'utf8')
  if (!/^```mermaid\s*$/m.test(md) && !/^<<<\s/m.test(md)) continue
  const url = '/' + src.replace(/index\.md$/, '').replace(/\.md$/, '.html')
  pages.push({ name: src, url, src, shot: null })
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const failures = []
fs.mkdirSync(shots, { recursive: true })

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })
  for (const pg of pages) {
    const page = await context.newPage()
    const errors = []
    const outside = []
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    page.on('pageerror', (e) => errors.push(String(e)))
    // Nothing may leave the machine: no CDN fonts, scripts or icons.
    await page.route('**/*', (route) => {
      const u = new URL(route.request().url())
      if (u.hostname === '127.0.0.1' || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue()
      outside.push(route.request().url())
      return route.abort()
    })
    const resp = await page.goto(origin + pg.url, { waitUntil: 'networkidle' })
    const fail = (msg) => failures.push(`${pg.name} (${pg.url}): ${msg}`)
    if (!resp || resp.status() !== 200) fail(`HTTP ${resp && resp.status()}`)
    await page.waitForSelector('.VPContent', { timeout: 10000 }).catch(() => fail('no VitePress content'))

    const md = fs.readFileSync(path.join(docsDir, pg.src), 'utf8')
    const diagrams = (md.match(/^```mermaid\s*$/gm) || []).length
    if (diagrams > 0) {
      const ok = await page
        .waitForFunction((n) => document.querySelectorAll('.mermaid svg').length >= n, diagrams, { timeout: 20000 })
        .then(() => true, () => false)
      const got = await page.locator('.mermaid svg').count()
      if (!ok) fail(`expected ${diagrams} rendered mermaid diagram(s), found ${got}`)
      const syntaxErrors = await page.evaluate(
        () => [...document.querySelectorAll('.mermaid')].filter((d) => d.querySelector('svg[aria-roledescription="error"], .error-icon')).length,
      )
      if (syntaxErrors) fail(`${syntaxErrors} mermaid diagram(s) failed to parse`)
      // mermaid's own startOnLoad pass marks what it touched; it must never
      // run (it races the window "load" event; theme/Mermaid.vue).
      const autoRun = await page.evaluate(() => document.querySelectorAll('[data-processed], body > div[id^="dmermaid-"]').length)
      if (autoRun) fail(`mermaid's startOnLoad pass ran over ${autoRun} element(s) (the load race)`)
    }
    const excerpts = (md.match(/^<<<\s/gm) || []).length
    if (excerpts > 0) {
      // Shiki renders highlighted code as a pre.shiki with colored spans.
      // Highlighted means several token colors, not one plain color.
      const colors = await page.evaluate(() => {
        const set = new Set()
        for (const s of document.querySelectorAll('div[class*="language-go"] pre.shiki span[style]')) {
          set.add(getComputedStyle(s).color)
        }
        return set.size
      })
      const links = await page.locator('.src-link a').count()
      if (colors < 3) fail(`no highlighted Go code block (${colors} token colors)`)
      if (links < excerpts) fail(`expected ${excerpts} code excerpt source link(s), found ${links}`)
    }
    if (pg.shot) await page.screenshot({ path: path.join(shots, pg.shot), fullPage: true })
    if (errors.length) fail(`console errors:\n    ${errors.join('\n    ')}`)
    if (outside.length) fail(`requests leaving the machine:\n    ${[...new Set(outside)].join('\n    ')}`)
    console.log(`browser test: ${pg.name}: ${diagrams} diagram(s), ${excerpts} excerpt(s) ok`)
    await page.close()
  }

  // Local search: the built-in index finds a word from chapter 1.
  const page = await context.newPage()
  await page.goto(origin + '/', { waitUntil: 'networkidle' })
  await page.locator('.VPNavBarSearch button').first().click()
  await page.locator('.VPLocalSearchBox input').fill('cversion')
  const found = await page
    .waitForFunction(() => document.querySelectorAll('.VPLocalSearchBox .result').length > 0, null, { timeout: 10000 })
    .then(() => true, () => false)
  if (!found) failures.push('local search: no result for "cversion"')
  else console.log(`browser test: local search: ${await page.locator('.VPLocalSearchBox .result').count()} result(s) for "cversion"`)
} finally {
  await browser.close()
  server.close()
}

if (failures.length) {
  for (const f of failures) console.error(`browser test: FAIL ${f}`)
  process.exit(1)
}
console.log(`browser test: ${pages.length} pages ok; screenshots in ${path.relative(process.cwd(), shots) || '.'}`)
