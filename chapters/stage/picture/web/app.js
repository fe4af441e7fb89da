// The live picture: reads /api/events (the State on every change) and
// draws each part of the cluster the stage runs. A later chapter adds its
// part by adding a renderer to `parts` (and its field to the State in
// picture/state.go); nothing else changes. No framework, no build step.
'use strict'

let state = null

// ---- helpers ---------------------------------------------------------------

// h builds an element: h('div', {class: 'x', onclick: f}, child, 'text', ...)
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else if (k === 'dataset') Object.assign(el.dataset, v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)))
  }
  return el
}

const SVG = 'http://www.w3.org/2000/svg'
function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue
    if (k === 'dataset') Object.assign(el.dataset, v)
    else el.setAttribute(k, String(v))
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null) continue
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)))
  }
  return el
}

function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter((p) => p && p[1] !== undefined && p[1] !== null).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
}

// zxid splits "0x100000005" into its epoch and counter: "0x100000005 (e1 #5)".
function zxid(hex) {
  try {
    const z = BigInt(hex)
    return `${hex} (e${z >> 32n} #${z & 0xffffffffn})`
  } catch {
    return hex
  }
}

function seconds(ms) {
  return (ms / 1000).toFixed(1) + 's'
}

function actionButtons(actions) {
  return (actions || []).map((a) =>
    h('button', {
      type: 'button',
      class: /kill|crash|partition|isolate|power/.test(a.command + a.label) ? 'danger' : null,
      'data-command': a.command,
      title: a.command,
      onclick: () => run(a.command),
    }, a.label),
  )
}

// ---- running commands --------------------------------------------------------

async function run(command) {
  const out = document.getElementById('cmd-result')
  out.className = 'small'
  out.textContent = `running ${command}…`
  try {
    const resp = await fetch('api/run', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ command }),
    })
    const res = await resp.json()
    if (res.ok) {
      out.className = 'small ok'
      out.textContent = `ran ${command} (its output is in the stage's terminal)`
    } else {
      out.className = 'small err'
      out.textContent = `${command}: ${res.error}`
    }
  } catch (e) {
    out.className = 'small err'
    out.textContent = `${command}: ${e}`
  }
}

document.getElementById('cmd-form').addEventListener('submit', (ev) => {
  ev.preventDefault()
  const input = document.getElementById('cmd')
  const line = input.value.trim()
  if (line) run(line)
})

// ---- ZooKeeper -----------------------------------------------------------------

function serverName(zk, srv) {
  return zk.ensemble ? `s${srv.id}` : 'server'
}

// shownEpoch is the epoch a server is in: while LOOKING, Status's epoch
// is the one being established (0), so show its current epoch.
function shownEpoch(srv) {
  return srv.mode === 'looking' ? srv.currentEpoch : srv.epoch
}

function modeLabel(srv) {
  if (!srv.up) return 'down'
  if (srv.mode === 'leader' || srv.mode === 'follower') return srv.serving ? srv.mode : `${srv.mode} (syncing)`
  return srv.mode
}

function renderZooKeeper(st) {
  const sec = document.getElementById('zookeeper')
  const zk = st.zookeeper
  sec.hidden = !zk
  if (!zk) return
  const n = zk.servers.length
  document.getElementById('zk-sub').textContent = zk.ensemble
    ? `${n} servers · ${zk.leader ? `leader s${zk.leader}` : 'no leader serving'}`
    : 'one standalone server'

  // The ring: servers on a circle, a link between every two, the
  // leader's links to the followers it serves in gold, cut links dashed red.
  const svg = document.getElementById('zk-ring')
  svg.replaceChildren()
  // One server: a small picture; an ensemble: a ring.
  svg.setAttribute('viewBox', n > 1 ? '0 0 340 270' : '100 60 140 120')
  svg.classList.toggle('single', n <= 1)
  const cx = 170, cy = n > 1 ? 118 : 100, r = n > 1 ? 84 : 0
  const pos = {}
  zk.servers.forEach((srv, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(n, 1)
    pos[srv.id] = [cx + r * Math.cos(a), cy + r * Math.sin(a)]
  })
  const cut = new Set((zk.cuts || []).map(([a, b]) => `${a}-${b}`))
  const byId = Object.fromEntries(zk.servers.map((x) => [x.id, x]))
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = zk.servers[i], b = zk.servers[j]
      const key = `${Math.min(a.id, b.id)}-${Math.max(a.id, b.id)}`
      const leads = (x, y) => x.up && y.up && x.mode === 'leader' && y.mode === 'follower' && y.leader === x.id
      let cls = 'link'
      if (cut.has(key)) cls += ' cut'
      else if (leads(a, b) || leads(b, a)) cls += ' lead'
      const [x1, y1] = pos[a.id], [x2, y2] = pos[b.id]
      svg.append(s('line', { class: cls, x1, y1, x2, y2, dataset: { link: key } }))
      if (cut.has(key)) svg.append(s('text', { class: 'scissors', x: (x1 + x2) / 2 - 6, y: (y1 + y2) / 2 + 5 }, '✂'))
    }
  }
  for (const srv of zk.servers) {
    const [x, y] = pos[srv.id]
    const syncing = srv.up && !srv.serving && srv.mode !== 'looking'
    const g = s('g', { class: 'node' + (syncing ? ' syncing' : ''), dataset: { server: srv.id, mode: srv.up ? srv.mode : 'down' } },
      s('circle', { cx: x, cy: y, r: 26 }),
      s('text', { x, y: y + 5 }, zk.ensemble ? `s${srv.id}` : 'zk'),
      s('text', { class: 'below', x, y: y + 42 }, modeLabel(srv)),
      srv.up ? s('text', { class: 'below muted', x, y: y + 55 }, `epoch ${shownEpoch(srv)}`) : null,
    )
    svg.append(g)
  }
  if (byId[zk.leader] === undefined && zk.ensemble) {
    svg.append(s('text', { x: cx, y: cy + 5, 'text-anchor': 'middle', class: 'scissors', fill: '#a63b12' }, 'electing…'))
  }

  // One card per server: Status, then what the 4-letter words said.
  const cards = document.getElementById('zk-servers')
  cards.replaceChildren(...zk.servers.map((srv) => {
    const mode = srv.up ? srv.mode : 'down'
    const conns = srv.connections || []
    return h('div', { class: 'card server', dataset: { server: srv.id, mode, up: srv.up, serving: srv.serving } },
      h('div', { class: 'title' }, h('span', {}, serverName(zk, srv), ' ', h('span', { class: 'muted small' }, srv.addr)),
        h('span', { class: `badge ${mode}` }, modeLabel(srv))),
      srv.up
        ? kv([
          zk.ensemble ? ['leader', srv.leader ? `s${srv.leader}` : '—'] : null,
          ['epoch', zk.ensemble
            ? `${srv.mode === 'looking' ? '— electing' : srv.epoch} (accepted ${srv.acceptedEpoch}, current ${srv.currentEpoch})`
            : String(srv.epoch)],
          ['last zxid', zxid(srv.zxid)],
          zk.ensemble ? ['last logged', zxid(srv.lastLogged)] : null,
          ['znodes', srv.znodes],
          ['watches', srv.watches],
          ['sessions', srv.sessions === undefined ? undefined
            : zk.ensemble ? `${srv.sessions} in the ensemble, ${conns.length} connected here` : String(srv.sessions)],
        ])
        : h('p', { class: 'muted small' }, 'stopped: only what it fsynced survives'),
      srv.up && !srv.serving && srv.mode !== 'standalone'
        ? h('p', { class: 'muted small' }, 'not serving: the 4-letter words do not answer')
        : null,
      conns.length
        ? h('ul', { class: 'sessions' }, conns.map((c) => h('li', { title: c.remote }, `${c.session} ${c.picture ? '(this page)' : c.remote} to=${c.timeoutMs}ms ${c.lastOp}`)))
        : null,
      h('div', { class: 'actions' }, actionButtons(srv.actions)),
    )
  }))
  document.getElementById('zk-actions').replaceChildren(...actionButtons(zk.actions))
}

// ---- the znode tree ---------------------------------------------------------------

const tree = {
  open: new Set(['/']), // expanded paths
  nodes: new Map(), // path -> Znode (last read)
  selected: null,
  lastZxid: null,
  loading: false,
}

function watchCount(st, path) {
  let n = 0
  for (const srv of st.zookeeper?.servers || []) {
    for (const w of srv.watchedPaths || []) if (w.path === path) n += w.sessions.length
  }
  return n
}

async function readZnode(path) {
  const resp = await fetch('api/znode?path=' + encodeURIComponent(path))
  const body = await resp.json()
  if (!resp.ok) throw new Error(body.error || resp.statusText)
  tree.nodes.set(path, body)
  return body
}

function child(path, name) {
  return path === '/' ? '/' + name : path + '/' + name
}

// refreshTree re-reads the open and selected znodes, once the ensemble's
// last zxid moved (a write happened) or watches changed.
async function refreshTree(force) {
  if (!state?.zookeeper || tree.loading) return
  const key = state.zookeeper.servers.map((x) => x.zxid + ':' + (x.watches ?? '')).join(',')
  if (!force && key === tree.lastZxid) {
    drawTree()
    return
  }
  tree.loading = true
  try {
    const paths = new Set([...tree.open])
    if (tree.selected) paths.add(tree.selected)
    for (const p of paths) {
      try {
        await readZnode(p)
      } catch (e) {
        tree.nodes.delete(p)
        if (/no node/i.test(String(e))) tree.open.delete(p)
        if (p === '/') document.getElementById('tree-sub').textContent = `cannot read: ${e.message}`
      }
    }
    tree.lastZxid = key
  } finally {
    tree.loading = false
  }
  drawTree()
}

function drawTree() {
  const st = state
  const root = document.getElementById('tree')
  const rootNode = tree.nodes.get('/')
  if (!rootNode) return
  document.getElementById('tree-sub').textContent = `read from ${rootNode.server}`
  const item = (path, name) => {
    const z = tree.nodes.get(path)
    const open = tree.open.has(path) && z
    const w = watchCount(st, path)
    const row = h('div', {
      class: 'row' + (tree.selected === path ? ' selected' : ''),
      role: 'treeitem',
      dataset: { path },
      onclick: async () => {
        tree.selected = path
        if (tree.open.has(path) && path !== '/') tree.open.delete(path)
        else tree.open.add(path)
        try { await readZnode(path) } catch (e) { /* shown below */ }
        drawTree()
      },
    },
    h('span', { class: 'twist' }, z && z.children.length === 0 ? '·' : open ? '▾' : '▸'),
    h('span', {}, name),
    w ? h('span', { class: 'watch', title: `${w} watch(es)` }, `👁 ${w}`) : null,
    )
    return h('li', {}, row, open && z.children.length ? h('ul', {}, z.children.map((c) => item(child(path, c), c))) : null)
  }
  root.replaceChildren(h('ul', {}, item('/', '/')))
  drawZnode()
}

function drawZnode() {
  const box = document.getElementById('znode')
  const z = tree.selected && tree.nodes.get(tree.selected)
  if (!z) return
  const st = z.stat
  const watches = z.watches || []
  box.replaceChildren(
    h('h3', { class: 'mono' }, z.path),
    h('div', { class: 'muted small' }, `${z.binary ? 'binary data (hex)' : 'data'}, ${st.dataLength} bytes, read from ${z.server}`),
    h('pre', {}, z.data || ' '),
    kv([
      ['czxid', zxid(st.czxid)], ['mzxid', zxid(st.mzxid)], ['pzxid', zxid(st.pzxid)],
      ['version', st.version], ['cversion', st.cversion], ['aclVersion', st.aclVersion],
      ['ephemeralOwner', st.ephemeralOwner === '0x0' ? '0x0 (persistent)' : `${st.ephemeralOwner} (ephemeral)`],
      ['numChildren', st.numChildren],
      ['watches', watches.length ? watches.map((w) => `${w.session} on s${w.server}`).join(', ') : 'none'],
    ]),
  )
}

function renderTree(st) {
  const sec = document.getElementById('tree-section')
  sec.hidden = !st.zookeeper
  if (!st.zookeeper) return
  refreshTree(false)
}

// ---- Kafka ------------------------------------------------------------------------

function renderKafka(st) {
  const sec = document.getElementById('kafka')
  const k = st.kafka
  sec.hidden = !k
  if (!k) return
  const nb = k.brokers.length
  document.getElementById('kafka-sub').textContent =
    `${nb} broker${nb === 1 ? '' : 's'} · ${k.topics.length} topic${k.topics.length === 1 ? '' : 's'}` + (k.clusterId ? ` · cluster ${k.clusterId}` : '')
  // Chapter 6 on, brokers run on ZooKeeper: one card per broker the stage
  // runs, with whether /brokers/ids holds it (a killed broker stays there
  // until its session expires), its broker epoch (the czxid of that
  // znode) and the partitions it leads. The cluster's own buttons (add a
  // broker) come once, after the cards.
  const cluster = k.brokers.some((b) => b.registered || b.epoch)
  if (cluster && !tree.brokersOpened) {
    // Open the brokers' znodes in the tree once: /brokers/ids, /brokers/topics.
    tree.brokersOpened = true
    for (const p of ['/brokers', '/brokers/ids', '/brokers/topics']) tree.open.add(p)
    refreshTree(true)
  }
  document.getElementById('brokers').replaceChildren(
    ...k.brokers.map((b) =>
      h('div', { class: 'card broker', dataset: { broker: b.id, up: b.up, registered: !!b.registered } },
        h('div', { class: 'title' }, h('span', {}, `broker ${b.id} `, h('span', { class: 'muted small' }, b.addr)),
          h('span', { class: `badge ${b.up ? 'up' : 'down'}`, 'data-field': 'up' }, b.up ? 'up' : 'down')),
        kv([
          cluster ? ['/brokers/ids', b.registered ? (b.up ? 'registered' : 'registered (session not expired yet)') : 'not registered'] : null,
          cluster ? ['broker epoch', b.epoch ? zxid('0x' + b.epoch.toString(16)) : '—'] : null,
          cluster ? ['leads', h('span', { 'data-field': 'leads' }, (b.leads || []).length ? b.leads.join(' ') : 'nothing')] : null,
          ['log.dir', b.logDir],
        ]),
        h('div', { class: 'actions' }, actionButtons(b.actions), cluster ? null : actionButtons(k.actions)),
      ),
    ),
    cluster && k.actions?.length ? h('div', { class: 'actions', id: 'kafka-actions' }, actionButtons(k.actions)) : null,
  )
  const topics = document.getElementById('topics')
  if (!k.topics.length) {
    topics.replaceChildren(h('p', { class: 'muted' }, 'No topics yet.'))
    return
  }
  topics.replaceChildren(...k.topics.map((t) => {
    const hasHW = t.partitions.some((p) => p.logs.some((l) => l.highWatermark !== undefined))
    return h('div', { class: 'topic', dataset: { topic: t.name } },
      h('h3', {}, `topic ${t.name} `, h('span', { class: 'muted small' }, `${t.partitions.length} partition${t.partitions.length === 1 ? '' : 's'}`),
        t.error ? h('span', { class: 'badge looking' }, t.error) : null,
        ' ', h('span', { class: 'actions', style: 'display:inline-flex' }, actionButtons(t.actions))),
      h('table', {},
        h('thead', {}, h('tr', {}, ['partition', 'leader', 'replicas', 'ISR', 'broker', 'log start', 'log end', hasHW ? 'HW' : null, 'segments (base offset, bytes)'].filter(Boolean).map((c) => h('th', {}, c)))),
        h('tbody', {}, t.partitions.flatMap((p) => {
          const logs = p.logs.length ? p.logs : [null]
          return logs.map((l, i) => h('tr', { class: l && logs.length > 1 && l.broker === p.leader ? 'leads' : null, dataset: { partition: p.partition, broker: l ? l.broker : '' } },
            i === 0 ? [
              h('td', { class: 'num', rowspan: logs.length }, p.partition),
              h('td', { class: 'num', rowspan: logs.length, 'data-field': 'leader' }, p.leader < 0 ? 'none' : p.leader),
              h('td', { class: 'num', rowspan: logs.length }, `[${p.replicas.join(',')}]`),
              h('td', { class: 'num', rowspan: logs.length }, `[${p.isr.join(',')}]`),
            ] : null,
            l ? [
              h('td', { class: 'num' }, l.broker),
              h('td', { class: 'num', 'data-field': 'logStart', title: l.logStartOffset < 0 ? 'only the leader is asked (ListOffsets)' : null }, l.logStartOffset < 0 ? '—' : l.logStartOffset),
              h('td', { class: 'num', 'data-field': 'logEnd', title: l.logEndOffset < 0 ? 'only the leader is asked (ListOffsets)' : null }, l.logEndOffset < 0 ? '—' : l.logEndOffset),
              hasHW ? h('td', { class: 'num' }, l.highWatermark ?? '—') : null,
              h('td', {}, segbar(l)),
            ] : h('td', { colspan: hasHW ? 5 : 4, class: 'muted' }, p.error || 'no log on a broker of this stage'),
          ))
        })),
      ),
    )
  }))
}

// segbar draws a replica's segments side by side, widths by bytes, the
// active (last) one highlighted.
function segbar(l) {
  const total = l.segments.reduce((a, x) => a + x.logBytes, 0) || 1
  return h('div', { class: 'segbar', title: `${l.segments.length} segment(s), ${l.bytes} bytes of .log` },
    l.segments.map((x, i) => h('div', {
      class: 'seg' + (i === l.segments.length - 1 ? ' active' : ''),
      style: `flex: ${Math.max(x.logBytes / total, 0.08)}`,
      title: `${String(x.baseOffset).padStart(20, '0')}.log: ${x.logBytes} bytes; .index ${x.indexBytes}, .timeindex ${x.timeIndexBytes}`,
    }, `${x.baseOffset} · ${x.logBytes}B`)))
}

// ---- experiments and events ----------------------------------------------------------

function renderCommands(st) {
  const list = document.getElementById('commands')
  list.replaceChildren(...st.commands.map((c) =>
    h('li', {}, h('span', {
      class: 'name', title: 'put it in the box',
      onclick: () => { const i = document.getElementById('cmd'); i.value = c.name + ' '; i.focus() },
    }, c.name), c.help)))
  if (!st.commands.length) list.replaceChildren(h('li', { class: 'muted' }, 'The stage is still narrating; its experiments come next.'))
}

function renderEvents(st) {
  const list = document.getElementById('events')
  list.replaceChildren(...[...st.events].reverse().map((e) => h('li', {}, h('span', { class: 't' }, seconds(e.atMs)), e.text)))
  const errs = st.errors || []
  document.getElementById('errors-section').hidden = !errs.length
  document.getElementById('errors').replaceChildren(...errs.map((e) => h('li', {}, e)))
}

function renderStage(st) {
  const title = `chapter ${st.stage.chapter}: ${st.stage.title}`
  document.getElementById('stage-title').textContent = title
  document.title = `zkafka — ${title}`
  document.getElementById('nothing').hidden = !!(st.zookeeper || st.kafka)
}

// The parts of the picture, drawn in order on every new State.
const parts = [renderStage, renderZooKeeper, renderTree, renderKafka, renderCommands, renderEvents]

function render(st) {
  state = st
  for (const part of parts) {
    try {
      part(st)
    } catch (e) {
      console.warn('picture: cannot draw', part.name, e)
    }
  }
  document.body.dataset.seq = st.seq
}

// ---- the stream ---------------------------------------------------------------------------

function connect() {
  const conn = document.getElementById('conn')
  const es = new EventSource('api/events')
  es.addEventListener('state', (ev) => {
    conn.dataset.state = 'live'
    conn.textContent = 'live'
    render(JSON.parse(ev.data))
  })
  es.onerror = () => {
    conn.dataset.state = 'down'
    conn.textContent = 'disconnected (did the stage stop?) — retrying'
  }
}

connect()
