// picture-test runs chapter stages and checks their live picture (the page
// chapters/stage/picture serves) in headless Chromium, the way a learner
// would use it:
//
//   - chapter 1: one standalone server; the znode tree opens and shows the
//     walkthrough's /course with its data and Stat;
//   - chapter 3: 3 servers, one leader; a write typed in the page's command
//     box appears in the tree; the leader's "kill" button kills it, and the
//     page shows it down and another server leading a newer epoch within a
//     few seconds (waiting on the page, never sleeping); its "restart"
//     button brings it back as a serving follower;
//   - chapter 5: one broker; the walkthrough's topics with their segments,
//     and the "produce 10" button moving demo-0's log end offset;
//   - chapter 6: 3 brokers registered in ZooKeeper, each with its broker
//     epoch and the partitions it leads, /brokers/ids in the tree; broker
//     2's "kill" button leaves it down, out of /brokers/ids once its
//     session expires, its partitions led by others; "restart" brings it
//     back leading them.
//
// Every page must load without a console error and without a request
// leaving 127.0.0.1. Screenshots go to SCREENSHOT_DIR (default
// <repo>/out/picture-screenshots).
//
//   make picture-test         (builds the stages into out/picture-bin, then runs this)
//
// BIN_DIR holds the stage binaries ch01, ch03, ch05, ch06 (default <repo>/out/picture-bin);
// CHROMIUM overrides /usr/bin/chromium (Debian's; never downloaded).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { repoDir } from '../.vitepress/course.mjs'

const bin = path.resolve(process.env.BIN_DIR || path.join(repoDir, 'out', 'picture-bin'))
const shots = path.resolve(process.env.SCREENSHOT_DIR || path.join(repoDir, 'out', 'picture-screenshots'))
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium'
const failures = []

if (!fs.existsSync(executablePath)) {
  console.error(`picture test: no Chromium at ${executablePath}; apt-get install -y chromium (or set CHROMIUM)`)
  process.exit(1)
}
for (const b of ['ch01', 'ch03', 'ch05', 'ch06']) {
  if (!fs.existsSync(path.join(bin, b))) {
    console.error(`picture test: no stage binary ${path.join(bin, b)}; \`make picture-test\` builds them`)
    process.exit(1)
  }
}
fs.mkdirSync(shots, { recursive: true })

// freePorts finds n consecutive free ports on 127.0.0.1 (an ensemble's
// servers listen on port, port+1, ...).
async function freePorts(n) {
  const tryListen = (port) => new Promise((resolve) => {
    const srv = net.createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000)
    let ok = true
    for (let i = 0; i < n && ok; i++) ok = await tryListen(base + i)
    if (ok) return base
  }
  throw new Error('no free ports')
}

// startStage runs a stage binary with stdin closed (it serves until
// interrupted) and resolves with the picture's URL once it prints it.
function startStage(name, args) {
  const child = spawn(path.join(bin, name), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PICTURE: '127.0.0.1:0' },
  })
  let out = ''
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no picture address within 60s; output:\n${out}`)), 60000)
    const onData = (d) => {
      out += d
      const m = /the live picture: (http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}) before serving its picture:\n${out}`)))
  })
  return {
    child, url, output: () => out,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      const kill = setTimeout(() => child.kill('SIGKILL'), 10000)
      child.once('exit', () => { clearTimeout(kill); resolve() })
      child.kill('SIGINT')
    }),
  }
}

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })

// openPicture opens a stage's page, recording console errors and any
// request that would leave the machine.
async function openPicture(name, url) {
  const page = await context.newPage()
  const errors = []
  const outside = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url())
    if (u.hostname === '127.0.0.1' || u.protocol === 'data:') return route.continue()
    outside.push(route.request().url())
    return route.abort()
  })
  const resp = await page.goto(url, { waitUntil: 'domcontentloaded' })
  if (!resp || resp.status() !== 200) failures.push(`${name}: GET ${url}: HTTP ${resp && resp.status()}`)
  await page.waitForSelector('#conn[data-state="live"]', { timeout: 15000 })
  return {
    page,
    check() {
      if (errors.length) failures.push(`${name}: console errors:\n    ${errors.join('\n    ')}`)
      if (outside.length) failures.push(`${name}: requests leaving the machine:\n    ${[...new Set(outside)].join('\n    ')}`)
    },
  }
}

// step runs one check and records its failure instead of stopping.
async function step(name, fn) {
  const t0 = Date.now()
  try {
    const note = await fn()
    console.log(`picture test: ${name}: ok (${Date.now() - t0} ms)${typeof note === 'string' ? ' — ' + note : ''}`)
  } catch (e) {
    failures.push(`${name}: ${e.message || e}`)
    console.log(`picture test: ${name}: FAIL`)
  }
}

const wait = (page, fn, arg, timeout = 15000) => page.waitForFunction(fn, arg, { timeout, polling: 100 })

try {
  // ---- chapter 1: a standalone server and its tree --------------------------
  {
    const port = await freePorts(1)
    const st = startStage('ch01', ['-addr', `127.0.0.1:${port}`])
    try {
      const url = await st.url
      // The walkthrough has created /course by the time the prompt waits.
      await new Promise((resolve, reject) => {
        const t = setInterval(() => { if (/experiments:/.test(st.output())) { clearInterval(t); resolve() } }, 100)
        setTimeout(() => { clearInterval(t); reject(new Error('chapter 1: no prompt within 30s')) }, 30000)
      })
      const { page, check } = await openPicture('chapter 1', url)
      await step('chapter 1: one standalone server', () => wait(page, () =>
        document.querySelectorAll('.card.server').length === 1 && document.querySelector('.card.server[data-mode="standalone"]')))
      await step('chapter 1: the tree shows /course', async () => {
        await page.locator('#tree .row[data-path="/course"]').click({ timeout: 10000 })
        await wait(page, () => /chapter-1-again/.test(document.getElementById('znode').textContent))
        // Its sequential children: job-…01 was deleted, the counter went on.
        await wait(page, () => document.querySelector('#tree .row[data-path="/course/job-0000000003"]') &&
          !document.querySelector('#tree .row[data-path="/course/job-0000000001"]'))
      })
      await page.screenshot({ path: path.join(shots, 'chapter-01-standalone.png'), fullPage: true })
      check()
      await page.close()
    } finally {
      await st.stop()
    }
  }

  // ---- chapter 3: the ensemble, a write, a leader kill, a restart -------------
  {
    const port = await freePorts(3)
    const st = startStage('ch03', ['-quiet', '-port', String(port)])
    try {
      const url = await st.url
      const { page, check } = await openPicture('chapter 3', url)
      await step('chapter 3: 3 servers, one serving leader', () => wait(page, () =>
        document.querySelectorAll('.card.server').length === 3 &&
        document.querySelectorAll('.card.server[data-mode="leader"][data-serving="true"]').length === 1 &&
        document.querySelectorAll('.card.server[data-mode="follower"][data-serving="true"]').length === 2 &&
        document.querySelectorAll('#zk-ring .node').length === 3, null, 30000))
      await step('chapter 3: the command box writes, the tree shows it', async () => {
        // The buttons appear once the prompt is up.
        await wait(page, () => document.querySelector('.card.server button[data-command^="kill"]'), null, 30000)
        await page.fill('#cmd', 'write 1 /picture hello-from-the-page')
        await page.click('#cmd-form button')
        await wait(page, () => /ran write/.test(document.getElementById('cmd-result').textContent))
        await page.locator('#tree .row[data-path="/picture"]').click({ timeout: 10000 })
        await wait(page, () => /hello-from-the-page/.test(document.getElementById('znode').textContent))
      })
      await page.screenshot({ path: path.join(shots, 'chapter-03-ensemble.png'), fullPage: true })

      let oldLeader = null
      await step('chapter 3: kill the leader from its button; the page shows the election', async () => {
        oldLeader = await page.evaluate(() => document.querySelector('.card.server[data-mode="leader"]').dataset.server)
        const t0 = Date.now()
        await page.click(`.card.server[data-server="${oldLeader}"] button[data-command="kill ${oldLeader}"]`)
        await wait(page, (id) => {
          const dead = document.querySelector(`.card.server[data-server="${id}"]`)
          const leader = document.querySelector('.card.server[data-mode="leader"][data-serving="true"]')
          return dead && dead.dataset.up === 'false' && leader && leader.dataset.server !== id &&
            document.querySelectorAll('.card.server[data-mode="follower"][data-serving="true"]').length === 1
        }, oldLeader, 10000)
        const elapsed = Date.now() - t0
        const now = await page.evaluate(() => document.querySelector('.card.server[data-mode="leader"]').dataset.server)
        if (elapsed > 8000) throw new Error(`the new leader showed after ${elapsed} ms`)
        return `s${oldLeader} killed, s${now} leads; the page showed it ${elapsed} ms after the click`
      })
      await step('chapter 3: the events list tells the election', () => wait(page, (id) => {
        const t = document.getElementById('events').textContent
        return t.includes(`s${id} is down`) && /s\d is the leader \(epoch [2-9]/.test(t)
      }, oldLeader))
      await page.screenshot({ path: path.join(shots, 'chapter-03-after-leader-kill.png'), fullPage: true })

      await step('chapter 3: restart the old leader; it rejoins as a follower', async () => {
        await page.click(`.card.server[data-server="${oldLeader}"] button[data-command="restart ${oldLeader}"]`)
        await wait(page, (id) => {
          const c = document.querySelector(`.card.server[data-server="${id}"]`)
          return c && c.dataset.mode === 'follower' && c.dataset.serving === 'true'
        }, oldLeader, 20000)
      })
      await step('chapter 3: isolate a follower; the link is drawn cut; heal', async () => {
        const f = await page.evaluate(() => document.querySelector('.card.server[data-mode="follower"]').dataset.server)
        await page.click(`.card.server[data-server="${f}"] button[data-command^="partition ${f} |"]`)
        await wait(page, () => document.querySelectorAll('#zk-ring line.cut').length === 2)
        await page.screenshot({ path: path.join(shots, 'chapter-03-partition.png'), fullPage: true })
        await page.click('#zk-actions button[data-command="heal"]')
        await wait(page, () => document.querySelectorAll('#zk-ring line.cut').length === 0 &&
          document.querySelectorAll('.card.server[data-serving="true"]').length === 3, null, 20000)
      })
      check()
      await page.close()
    } finally {
      await st.stop()
    }
  }

  // ---- chapter 5: the broker, its topics and segments ---------------------------
  {
    const port = await freePorts(1)
    const st = startStage('ch05', ['-addr', `127.0.0.1:${port}`])
    try {
      const url = await st.url
      const { page, check } = await openPicture('chapter 5', url)
      await step('chapter 5: one broker, the walkthrough\'s topics and segments', () => wait(page, () =>
        document.querySelectorAll('.card.broker').length === 1 &&
        document.querySelector('.topic[data-topic="demo"] .seg') &&
        document.querySelector('.topic[data-topic="short"] .seg') &&
        document.querySelectorAll('.topic[data-topic="demo"] .seg').length >= 2, null, 60000))
      await step('chapter 5: "produce 10" moves demo-0\'s log end offset', async () => {
        await wait(page, () => document.querySelector('.topic[data-topic="demo"] button[data-command="produce 10 demo"]'), null, 60000)
        const before = await page.evaluate(() => Number(document.querySelector('.topic[data-topic="demo"] td[data-field="logEnd"]').textContent))
        await page.click('.topic[data-topic="demo"] button[data-command="produce 10 demo"]')
        await wait(page, (b) => Number(document.querySelector('.topic[data-topic="demo"] td[data-field="logEnd"]').textContent) === b + 10, before)
        return `log end ${before} → ${before + 10}`
      })
      await page.screenshot({ path: path.join(shots, 'chapter-05-broker.png'), fullPage: true })
      check()
      await page.close()
    } finally {
      await st.stop()
    }
  }

  // ---- chapter 6: three brokers on the ensemble, a broker kill -----------------
  {
    const zkPort = await freePorts(3)
    const kPort = await freePorts(4)
    const st = startStage('ch06', ['-port', String(zkPort), '-kafka-port', String(kPort)])
    try {
      const url = await st.url
      const { page, check } = await openPicture('chapter 6', url)
      await step('chapter 6: 3 brokers registered, orders\' 6 partitions led by them, /brokers/ids in the tree', () => wait(page, () => {
        const cards = document.querySelectorAll('.card.broker[data-up="true"][data-registered="true"]')
        const rows = document.querySelectorAll('.topic[data-topic="orders"] td[data-field="leader"]')
        const leaders = new Set([...rows].map((td) => td.textContent))
        return cards.length === 3 && rows.length === 6 && leaders.size === 3 &&
          [...cards].every((c) => /0x1[0-9a-f]{8}/.test(c.textContent) && /orders-\d/.test(c.querySelector('[data-field="leads"]').textContent)) &&
          ['1', '2', '3'].every((id) => document.querySelector(`#tree .row[data-path="/brokers/ids/${id}"]`)) &&
          document.querySelector('#tree .row[data-path="/brokers/topics/orders"]')
      }, null, 60000))
      await page.screenshot({ path: path.join(shots, 'chapter-06-brokers.png'), fullPage: true })
      await step('chapter 6: kill broker 2 from its button; its partitions move to the next replica', async () => {
        await wait(page, () => document.querySelector('.card.broker[data-broker="2"] button[data-command="kill-broker 2"]'), null, 30000)
        const led = await page.evaluate(() => document.querySelector('.card.broker[data-broker="2"] [data-field="leads"]').textContent)
        await page.click('.card.broker[data-broker="2"] button[data-command="kill-broker 2"]')
        await wait(page, () => {
          const c = document.querySelector('.card.broker[data-broker="2"]')
          const leaders = [...document.querySelectorAll('.topic[data-topic="orders"] td[data-field="leader"]')].map((td) => td.textContent)
          return c && c.dataset.up === 'false' && c.dataset.registered === 'false' && leaders.length === 6 && !leaders.includes('2') &&
            document.querySelector('.card.broker[data-broker="2"] button[data-command="restart-broker 2"]') &&
            !document.querySelector('#tree .row[data-path="/brokers/ids/2"]') &&
            /broker 2 left \/brokers\/ids/.test(document.getElementById('events').textContent)
        }, null, 30000)
        return `broker 2 led ${led}; after the kill it is down, out of /brokers/ids, and leads nothing`
      })
      await page.screenshot({ path: path.join(shots, 'chapter-06-after-broker-kill.png'), fullPage: true })
      await step('chapter 6: restart broker 2; it registers with a new epoch and leads again', async () => {
        await page.click('.card.broker[data-broker="2"] button[data-command="restart-broker 2"]')
        await wait(page, () => {
          const c = document.querySelector('.card.broker[data-broker="2"]')
          return c && c.dataset.up === 'true' && c.dataset.registered === 'true' &&
            /orders-\d/.test(c.querySelector('[data-field="leads"]').textContent) &&
            /broker 2 has a new broker epoch|broker 2 registered in \/brokers\/ids/.test(document.getElementById('events').textContent)
        }, null, 30000)
      })
      check()
      await page.close()
    } finally {
      await st.stop()
    }
  }
} finally {
  await browser.close()
}

if (failures.length) {
  for (const f of failures) console.error(`picture test: FAIL ${f}`)
  process.exit(1)
}
console.log(`picture test: ok; screenshots in ${path.relative(process.cwd(), shots) || '.'}`)
