// ncprof report page: flame graph (icicle), differential colours, top
// table, callers/callees, regexp search, state in the URL. Reads the JSON
// that ncprof embeds in #ncprof-data; talks to no server. Names are only
// ever set with textContent, never parsed as HTML.
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('ncprof-data').textContent);
  // The view drawn: the page's own profile, or a timeline point's snapshot.
  const VIEWS = [D].concat((D.snapshots || []).map((s) => s.view));
  let V = D, N = 0, DIFF = false;
  const ROW = 18;
  const MIN_PX = 0.5;  // frames narrower than this are not drawn
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // ---- the tree -----------------------------------------------------------
  let kids = [], depth = null;
  const PRUNED = () => '(pruned: frames below ' + (V.prune.min_fraction * 100) + '% of the total)';
  function label(i) {
    const n = V.name[i];
    if (n === -1) return 'root';
    if (n === -2) return PRUNED();
    return V.names[n];
  }
  function fileOf(i) {
    const n = V.name[i];
    return n >= 0 ? V.files_of_names[n] : '';
  }
  function indexView(k) {
    V = VIEWS[k];
    N = V.parent.length;
    DIFF = Array.isArray(V.base);
    kids = new Array(N);
    depth = new Int32Array(N);
    for (let i = 0; i < N; i++) kids[i] = [];
    for (let i = 1; i < N; i++) {
      kids[V.parent[i]].push(i);
      depth[i] = depth[V.parent[i]] + 1;
    }
    for (let i = 0; i < N; i++) {
      kids[i].sort((a, b) => {
        const ra = V.name[a] === -2, rb = V.name[b] === -2;
        if (ra !== rb) return ra ? 1 : -1;
        const la = label(a), lb = label(b);
        return la < lb ? -1 : la > lb ? 1 : 0;
      });
    }
  }

  // ---- state (mirrored in the URL's #) -----------------------------------
  const state = { view: 0, type: 0, zoom: 0, search: '', flip: false, baseWidths: false, selected: null };
  // Shows view k, keeping the sample type by name where the view has it.
  function setView(k) {
    const was = V && V.types ? V.types[state.type].type : null;
    state.view = k;
    indexView(k);
    const same = V.types.findIndex((x) => x.type === was);
    state.type = same >= 0 ? same : V.default_type;
    state.zoom = 0;
    state.baseWidths = false;
    fillTypes();
  }
  function readHash() {
    const h = new URLSearchParams(location.hash.replace(/^#/, ''));
    const v = parseInt(h.get('view') || '0', 10);
    setView(v >= 0 && v < VIEWS.length ? v : 0);
    state.type = V.default_type;
    if (h.has('type')) {
      const t = h.get('type');
      const idx = V.types.findIndex((x) => x.type === t);
      if (idx >= 0) state.type = idx;
      else if (/^\d+$/.test(t) && +t < V.types.length) state.type = +t;
    }
    if (h.has('zoom')) {
      const z = parseInt(h.get('zoom'), 10);
      if (z >= 0 && z < N) state.zoom = z;
    }
    state.search = h.get('search') || '';
    state.flip = h.get('flip') === '1';
    state.baseWidths = DIFF && h.get('widths') === 'base';
    state.selected = h.get('select');
  }
  function writeHash() {
    const h = new URLSearchParams();
    if (state.view) h.set('view', String(state.view));
    h.set('type', V.types[state.type].type);
    if (state.zoom) h.set('zoom', String(state.zoom));
    if (state.search) h.set('search', state.search);
    if (state.flip) h.set('flip', '1');
    if (state.baseWidths) h.set('widths', 'base');
    if (state.selected) h.set('select', state.selected);
    history.replaceState(null, '', '#' + h.toString());
  }

  // ---- values and units --------------------------------------------------
  const newVals = () => V.value[state.type];
  const baseVals = () => (DIFF ? V.base[state.type] : null);
  const widthVals = () => (state.baseWidths ? baseVals() : newVals());
  const unit = () => V.types[state.type].unit;
  function fmt(v, u) {
    u = u || unit();
    const neg = v < 0;
    let a = Math.abs(v);
    let s;
    const scale = (steps) => {
      let i = 0;
      while (i + 1 < steps.length && a >= steps[i + 1][0]) i++;
      const x = a / steps[i][0];
      return (Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '')) + steps[i][1];
    };
    if (u === 'bytes') s = scale([[1, 'B'], [1024, 'kB'], [1048576, 'MB'], [1073741824, 'GB'], [1099511627776, 'TB']]);
    else if (u === 'nanoseconds') s = scale([[1, 'ns'], [1e3, 'us'], [1e6, 'ms'], [1e9, 's']]);
    else s = String(a);
    return (neg ? '-' : '') + s;
  }
  function pct(v, total) {
    if (!total) return '0%';
    const p = (v / total) * 100;
    return (Math.abs(p) >= 10 ? p.toFixed(1) : p.toFixed(2)) + '%';
  }
  function selfOf(vals, i) {
    let s = vals[i];
    for (const c of kids[i]) s -= vals[c];
    return s;
  }
  // The change of a frame's share of its own profile's total, relative to
  // the larger share: -1 (vanished) .. +1 (appeared).
  function change(i) {
    const nt = Math.abs(V.value[state.type][0]) || 1, bt = Math.abs(V.base[state.type][0]) || 1;
    const sn = Math.max(0, V.value[state.type][i]) / nt, sb = Math.max(0, V.base[state.type][i]) / bt;
    const m = Math.max(sn, sb);
    return m === 0 ? 0 : (sn - sb) / m;
  }

  // ---- colours -----------------------------------------------------------
  function packageOf(name) {
    const slash = name.lastIndexOf('/');
    const dot = name.indexOf('.', slash + 1);
    return dot > 0 ? name.slice(0, dot) : name;
  }
  function hash(s) {
    let h = 2166136261;
    for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 16777619);
    return h >>> 0;
  }
  function colour(i) {
    if (V.name[i] === -2) return 'hsl(0, 0%, 80%)';
    if (V.name[i] === -1) return 'hsl(0, 0%, 88%)';
    if (DIFF) {
      const c = change(i);
      const light = 96 - 46 * Math.min(1, Math.abs(c));
      return c >= 0 ? 'hsl(0, 85%, ' + light + '%)' : 'hsl(220, 85%, ' + light + '%)';
    }
    const h = hash(packageOf(label(i)));
    return 'hsl(' + (8 + (h % 48)) + ', ' + (62 + ((h >>> 8) % 25)) + '%, ' + (58 + ((h >>> 16) % 14)) + '%)';
  }
  function changeClass(i) {
    const b = V.base[state.type][i], n = V.value[state.type][i];
    if (b === 0 && n !== 0) return 'appeared';
    if (n === 0 && b !== 0) return 'vanished';
    const c = change(i);
    return c > 0.05 ? 'grown' : c < -0.05 ? 'shrunk' : 'same';
  }

  // ---- search ------------------------------------------------------------
  // Go's regexp syntax (RE2's, as top's --focus and pprof take it) as a
  // JavaScript RegExp: leading flags (?i) (?m) (?s), \pL, \PL and \p{Greek},
  // POSIX classes such as [[:alpha:]], \A, \z and \Q...\E.
  const POSIX = { alnum: 'A-Za-z0-9', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
    digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
    upper: 'A-Z', word: 'A-Za-z0-9_', xdigit: '0-9A-Fa-f' };
  function goRegExp(src) {
    let flags = '';
    for (let m; (m = /^\(\?([a-zA-Z]+)\)/.exec(src)); src = src.slice(m[0].length)) {
      for (const f of m[1]) {
        if (!'ims'.includes(f)) throw new Error('flag ' + f + ' is not supported');
        if (!flags.includes(f)) flags += f;
      }
    }
    let out = '', unicode = false;
    for (let i = 0; i < src.length; i++) {
      const c = src[i];
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end > 0 ? src.slice(i + 2, end) : '';
        if (Object.hasOwn(POSIX, name)) {
          out += POSIX[name];
          i = end + 1;
          continue;
        }
      }
      if (c !== '\\' || i + 1 >= src.length) {
        out += c;
        continue;
      }
      const n = src[++i];
      if (n === 'p' || n === 'P') {
        unicode = true;
        if (src[i + 1] === '{') {
          const end = src.indexOf('}', i);
          if (end < 0) throw new Error('missing } after \\' + n);
          out += '\\' + n + src.slice(i + 1, end + 1);
          i = end;
        } else {
          if (i + 1 >= src.length) throw new Error('missing class after \\' + n);
          out += '\\' + n + '{' + src[++i] + '}';
        }
      } else if (n === 'A') out += '(?<![\\s\\S])';
      else if (n === 'z') out += '(?![\\s\\S])';
      else if (n === 'Q') {
        let end = src.indexOf('\\E', i + 1);
        if (end < 0) end = src.length;
        out += src.slice(i + 1, end).replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
        i = end + 1;
      } else out += '\\' + n;
    }
    return new RegExp(out, flags + (unicode ? 'u' : ''));
  }
  let searchRe = null;
  function compileSearch() {
    searchRe = null;
    $('matched').classList.remove('bad');
    if (!state.search) return;
    try {
      searchRe = goRegExp(state.search);
    } catch (e) {
      $('matched').classList.add('bad');
      $('matched').textContent = 'bad regexp: ' + e.message;
    }
  }
  const matches = (i) => searchRe !== null && i > 0 && searchRe.test(label(i));
  // Share of the total under matching frames, each stack counted once (a
  // match below a match adds nothing), as flamegraph.pl counts it.
  function matchedTotal() {
    const vals = widthVals();
    let sum = 0;
    const stack = [0];
    while (stack.length) {
      const i = stack.pop();
      if (matches(i)) {
        sum += Math.max(0, vals[i]);
        continue;
      }
      for (const c of kids[i]) stack.push(c);
    }
    return sum;
  }

  // ---- the flame graph ---------------------------------------------------
  const flame = $('flame');
  let drawn = [];  // node indexes drawn, in drawing order
  let matchList = [];
  let matchPos = -1;
  function ancestors(i) {
    const out = [];
    for (let p = V.parent[i]; p >= 0; p = V.parent[p]) out.push(p);
    return out.reverse();
  }
  function render() {
    const W = flame.clientWidth || 1200;
    const vals = widthVals();
    const z = state.zoom;
    const zv = Math.max(0, vals[z]);
    const boxes = [];  // [node, x, w, depth, isAncestor]
    for (const a of ancestors(z)) boxes.push([a, 0, W, depth[a], true]);
    let maxDepth = depth[z];
    if (zv > 0) {
      const stack = [[z, 0]];
      while (stack.length) {
        const [i, x] = stack.pop();
        const w = (Math.max(0, vals[i]) / zv) * W;
        if (w < MIN_PX) continue;
        boxes.push([i, x, w, depth[i], false]);
        if (depth[i] > maxDepth) maxDepth = depth[i];
        let cx = x;
        for (const c of kids[i]) {
          const cw = (Math.max(0, vals[c]) / zv) * W;
          if (cw >= MIN_PX) stack.push([c, cx]);
          cx += cw;
        }
      }
    } else {
      boxes.push([z, 0, W, depth[z], false]);
    }
    const frag = document.createDocumentFragment();
    drawn = [];
    matchList = [];
    for (const [i, x, w, d, anc] of boxes) {
      const div = el('div', 'frame', w > 24 ? label(i) : '');
      const row = state.flip ? maxDepth - d : d;
      div.style.left = x + 'px';
      div.style.width = w + 'px';
      div.style.top = row * ROW + 'px';
      div.style.background = colour(i);
      div.dataset.i = i;
      div.dataset.name = label(i);
      div.dataset.value = vals[i];
      if (anc) div.classList.add('ancestor');
      if (DIFF) {
        const cc = changeClass(i);
        div.dataset.change = cc;
        if (cc === 'appeared' || cc === 'vanished') div.classList.add(cc);
      }
      if (matches(i)) {
        div.classList.add('match');
        matchList.push(div);
      }
      if (state.selected !== null && label(i) === state.selected) div.classList.add('sel');
      frag.appendChild(div);
      drawn.push(i);
    }
    flame.replaceChildren(frag);
    flame.style.height = (maxDepth + 1) * ROW + 'px';
    matchList.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top) || parseFloat(a.style.left) - parseFloat(b.style.left));
    matchPos = -1;
    if (searchRe) {
      const m = matchedTotal();
      const total = Math.max(0, vals[0]);
      $('matched').textContent = 'Matched: ' + pct(m, total) + ' (' + fmt(m) + ' of ' + fmt(total) + ', ' + matchList.length + ' frames shown)';
      $('matched').dataset.matched = m;
    } else if (!$('matched').classList.contains('bad')) {
      $('matched').textContent = '';
      delete $('matched').dataset.matched;
    }
    flame.dataset.zoom = z;
    flame.dataset.frames = drawn.length;
  }
  function stepMatch(dir) {
    if (!matchList.length) return;
    if (matchPos >= 0) matchList[matchPos].classList.remove('current');
    matchPos = (matchPos + dir + matchList.length) % matchList.length;
    const m = matchList[matchPos];
    m.classList.add('current');
    m.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    showTip(+m.dataset.i, m.getBoundingClientRect().left, m.getBoundingClientRect().bottom);
  }

  // ---- tooltip -----------------------------------------------------------
  const tip = $('tooltip');
  function tipText(i) {
    const vals = newVals();
    const total = Math.max(0, vals[0]);
    const lines = [label(i)];
    if (fileOf(i)) lines.push(fileOf(i));
    if (DIFF) {
      const b = V.base[state.type][i], n = vals[i];
      const bt = V.base[state.type][0];
      lines.push('before: ' + fmt(b) + ' (' + pct(b, bt) + ' of base)');
      lines.push('after:  ' + fmt(n) + ' (' + pct(n, total) + ' of new)');
      lines.push('delta:  ' + (n - b >= 0 ? '+' : '') + fmt(n - b) + ' (share ' + (change(i) >= 0 ? '+' : '') + (change(i) * 100).toFixed(0) + '% of the larger)');
      lines.push('flat (new): ' + fmt(selfOf(vals, i)));
    } else {
      lines.push('cum:  ' + fmt(vals[i]) + ' (' + pct(vals[i], total) + ')');
      lines.push('flat: ' + fmt(selfOf(vals, i)) + ' (' + pct(selfOf(vals, i), total) + ')');
    }
    return lines.join('\n');
  }
  function showTip(i, x, y) {
    tip.textContent = tipText(i);
    tip.hidden = false;
    const r = tip.getBoundingClientRect();
    tip.style.left = Math.min(x + 12, window.innerWidth - r.width - 4) + 'px';
    tip.style.top = Math.min(y + 12, window.innerHeight - r.height - 4) + 'px';
  }
  flame.addEventListener('mousemove', (e) => {
    const f = e.target.closest('.frame');
    if (!f) {
      tip.hidden = true;
      return;
    }
    showTip(+f.dataset.i, e.clientX, e.clientY);
  });
  flame.addEventListener('mouseleave', () => { tip.hidden = true; });
  flame.addEventListener('click', (e) => {
    const f = e.target.closest('.frame');
    if (!f) return;
    const i = +f.dataset.i;
    state.zoom = i;
    state.selected = i > 0 && V.name[i] >= 0 ? label(i) : null;
    update();
  });

  // ---- the top table -----------------------------------------------------
  let sortKey = 'flat', sortDesc = true;
  // The rows are built again only when the view, type or order changes; a
  // selection (a click in the graph, a zoom) only moves the highlight.
  let tableKey = '', rowOf = new Map(), selectedRow = null;
  function renderTable() {
    const key = [state.view, state.type, sortKey, sortDesc].join('/');
    if (key !== tableKey) {
      tableKey = key;
      buildTable();
    }
    if (selectedRow) selectedRow.classList.remove('selected');
    selectedRow = state.selected === null ? null : rowOf.get(state.selected) || null;
    if (selectedRow) selectedRow.classList.add('selected');
  }
  function buildTable() {
    const t = V.tables[state.type];
    const thead = $('top').tHead, tbody = $('top').tBodies[0];
    const cols = [['flat', 'Flat'], ['flat_pct', 'Flat%'], ['sum_pct', 'Sum%'], ['cum', 'Cum'], ['cum_pct', 'Cum%']];
    if (DIFF) cols.push(['base_cum', 'Base'], ['new_cum', 'New'], ['delta', 'Delta']);
    cols.push(['name', 'Name']);
    const hr = el('tr');
    for (const [k, title] of cols) {
      const th = el('th', k === 'name' ? 'name' : '', title);
      th.dataset.key = k;
      if (k === sortKey) th.classList.add('sorted');
      hr.appendChild(th);
    }
    thead.replaceChildren(hr);
    const rows = t.rows.map((r, k) => ({ r, k }));
    const keyOf = (x) => {
      switch (sortKey) {
        case 'name': return x.r.name;
        case 'cum': case 'cum_pct': return Math.abs(x.r.cum);
        case 'base_cum': return x.r.base_cum;
        case 'new_cum': return x.r.new_cum;
        case 'delta': return x.r.new_cum - x.r.base_cum;
        case 'sum_pct': return -x.k;
        default: return Math.abs(x.r.flat);
      }
    };
    if (!(sortKey === 'flat' && sortDesc)) {
      rows.sort((a, b) => {
        const ka = keyOf(a), kb = keyOf(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : a.k - b.k;
        return sortDesc ? -c : c;
      });
    }
    const frag = document.createDocumentFragment();
    rowOf = new Map();
    for (const { r } of rows) {
      const tr = el('tr');
      tr.dataset.name = r.name;
      tr.dataset.flat = r.flat;
      tr.dataset.cum = r.cum;
      const cells = [r.flat_text, r.flat_pct, r.sum_pct, r.cum_text, r.cum_pct];
      for (const c of cells) tr.appendChild(el('td', '', c));
      if (DIFF) {
        tr.appendChild(el('td', '', fmt(r.base_cum)));
        tr.appendChild(el('td', '', fmt(r.new_cum)));
        const d = r.new_cum - r.base_cum;
        tr.appendChild(el('td', d > 0 ? 'grew' : d < 0 ? 'shrank' : '', (d > 0 ? '+' : '') + fmt(d)));
      }
      tr.appendChild(el('td', 'name', r.name + (r.inline ? ' ' + r.inline : '')));
      if (!rowOf.has(r.name)) rowOf.set(r.name, tr);
      frag.appendChild(tr);
    }
    selectedRow = null;
    tbody.replaceChildren(frag);
  }
  $('top').tHead.addEventListener('click', (e) => {
    const th = e.target.closest('th');
    if (!th) return;
    const k = th.dataset.key;
    if (k === sortKey) sortDesc = !sortDesc;
    else {
      sortKey = k;
      sortDesc = k !== 'name';
    }
    renderTable();
  });
  $('top').tBodies[0].addEventListener('click', (e) => {
    const tr = e.target.closest('tr');
    if (!tr) return;
    state.selected = tr.dataset.name === state.selected ? null : tr.dataset.name;
    update();
  });

  // ---- callers and callees of the selected function ----------------------
  function mergeInto(tree, name, v) {
    let n = tree.get(name);
    if (!n) tree.set(name, (n = { v: 0, kids: new Map() }));
    n.v += v;
    return n.kids;
  }
  function listOf(tree, total, levels) {
    const ul = el('ul');
    const items = [...tree.entries()].sort((a, b) => b[1].v - a[1].v);
    for (const [name, n] of items) {
      if (total > 0 && Math.abs(n.v) / total < 0.001) continue;
      const li = el('li');
      li.appendChild(el('span', '', fmt(n.v) + ' ' + pct(n.v, total) + ' '));
      li.appendChild(el('span', 'fn', name));
      if (levels > 1 && n.kids.size) li.appendChild(listOf(n.kids, total, levels - 1));
      ul.appendChild(li);
    }
    return ul;
  }
  function renderSandwich() {
    const name = state.selected;
    $('sandwich-hint').hidden = name !== null;
    if (name === null) {
      $('callers').replaceChildren();
      $('callees').replaceChildren();
      $('selected').textContent = '';
      return;
    }
    const vals = newVals();
    const total = Math.max(0, vals[0]);
    const callers = new Map(), callees = new Map();
    let own = 0;
    // Outermost occurrences only: recursion is not counted twice.
    const stack = [[0, false]];
    while (stack.length) {
      const [i, inside] = stack.pop();
      const hit = i > 0 && label(i) === name;
      if (hit && !inside) {
        own += vals[i];
        let t = callers;
        for (let p = V.parent[i]; p > 0; p = V.parent[p]) t = mergeInto(t, label(p), vals[i]);
        const sub = [[i, callees]];
        while (sub.length) {
          const [j, into] = sub.pop();
          for (const c of kids[j]) sub.push([c, mergeInto(into, label(c), vals[c])]);
        }
      }
      for (const c of kids[i]) stack.push([c, inside || hit]);
    }
    $('selected').textContent = name + ': ' + fmt(own) + ' (' + pct(own, total) + ')';
    $('selected').dataset.value = own;
    const ch = el('div');
    ch.appendChild(el('h2', '', 'Callers (nearest first)'));
    ch.appendChild(listOf(callers, total, 6));
    $('callers').replaceChildren(ch);
    const ce = el('div');
    ce.appendChild(el('h2', '', 'Callees'));
    ce.appendChild(listOf(callees, total, 6));
    $('callees').replaceChildren(ce);
  }

  // ---- leak timelines (compare-heap, leak-check) -------------------------
  // A point whose profile the page holds is a link to that sample's own
  // flame graph (view 1 + its snapshot index).
  const pointMarks = [];
  function renderTimelines() {
    const tl = D.timelines || [];
    const sec = $('timelines');
    sec.hidden = tl.length === 0;
    const NS = 'http://www.w3.org/2000/svg';
    const svgEl = (tag, attrs) => {
      const e = document.createElementNS(NS, tag);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      return e;
    };
    for (const t of tl) {
      const box = el('div', 'timeline');
      const h = el('h2', '', t.service + ' ');
      h.appendChild(el('span', 'verdict ' + t.verdict, t.verdict));
      box.appendChild(h);
      if (t.reason) box.appendChild(el('div', 'reason', t.reason));
      for (const [key, slope, icpt, what] of [['heap_mb', t.heap_slope_mb_per_hour, t.heap_intercept_mb, 'heap in use (MB)'],
        ['goroutines', t.goroutine_slope_per_hour, t.goroutine_intercept, 'goroutines']]) {
        const pts = t.points.filter((p) => p[key] !== null);
        if (pts.length === 0) continue;
        const W = 420, H = 140, P = 30;
        const t0 = pts[0].t, t1 = Math.max(pts[pts.length - 1].t, t0 + 1);
        const tf = t.fit_from > 0 ? Math.min(Math.max(t.fit_from, t0), t1) : t0;
        const yAt = (tt) => icpt + (slope * (tt - tf)) / 3600000;
        let lo = Math.min(...pts.map((p) => p[key]), yAt(tf), yAt(t1));
        let hi = Math.max(...pts.map((p) => p[key]), yAt(tf), yAt(t1));
        if (hi === lo) { hi += 1; lo -= 1; }
        const X = (tt) => P + ((tt - t0) / (t1 - t0)) * (W - 2 * P);
        const Y = (v) => H - P / 2 - ((v - lo) / (hi - lo)) * (H - P);
        const svg = svgEl('svg', { width: W, height: H, role: 'img', 'aria-label': what, class: 'chart', 'data-series': key });
        const title = svgEl('text', { x: 4, y: 12, 'font-size': 11 });
        title.textContent = what + ': ' + lo.toFixed(1) + ' .. ' + hi.toFixed(1);
        svg.appendChild(title);
        svg.appendChild(svgEl('polyline', { fill: 'none', stroke: '#2060d0', 'stroke-width': 1.5,
          points: pts.map((p) => X(p.t) + ',' + Y(p[key])).join(' ') }));
        svg.appendChild(svgEl('line', { x1: X(tf), y1: Y(yAt(tf)), x2: X(t1), y2: Y(yAt(t1)), stroke: '#b01010',
          'stroke-dasharray': '4 3', class: 'trend' }));
        pts.forEach((p, k) => {
          const kept = p.snapshot >= 0 && p.snapshot < VIEWS.length - 1;
          const c = svgEl('circle', { cx: X(p.t), cy: Y(p[key]), r: kept ? 4 : 3, 'data-point': k,
            fill: p.warmup ? '#fff' : '#2060d0', stroke: '#2060d0', class: kept ? 'kept' : '' });
          const tt = svgEl('title', {});
          tt.textContent = new Date(p.t).toISOString() + ': ' + p[key] + (p.warmup ? ' (warm-up, not in the verdict)' : '') +
            (kept ? ' (click: this sample\'s flame graph)' : '');
          c.appendChild(tt);
          if (kept) {
            // A link: the view is page state, so it is in the URL too.
            const a = svgEl('a', { href: '#view=' + (p.snapshot + 1) });
            c.dataset.view = p.snapshot + 1;
            a.appendChild(c);
            svg.appendChild(a);
            pointMarks.push(c);
          } else {
            svg.appendChild(c);
          }
        });
        box.appendChild(svg);
        box.appendChild(el('div', 'trend-text', 'fitted trend: ' + (slope >= 0 ? '+' : '') + slope.toFixed(2) +
          (key === 'heap_mb' ? ' MB' : ' goroutines') + ' per hour'));
      }
      sec.appendChild(box);
    }
  }
  function renderViewBar() {
    const bar = $('view-bar');
    bar.hidden = VIEWS.length < 2;
    if (bar.hidden) return;
    const name = state.view === 0 ? (DIFF ? 'the difference' : 'the profile') + ' (click a filled point of a timeline for that sample)'
      : D.snapshots[state.view - 1].label;
    $('view-name').textContent = 'Showing: ' + name;
    $('view-name').dataset.view = state.view;
    $('view-back').hidden = state.view === 0;
    $('view-back').textContent = 'Back to ' + (Array.isArray(VIEWS[0].base) ? 'the difference' : 'the profile');
    for (const c of pointMarks) c.classList.toggle('current', +c.dataset.view === state.view);
  }

  // ---- header, controls, keys --------------------------------------------
  function renderHeader() {
    $('title').textContent = D.title;
    const meta = $('meta');
    const items = [...V.tables[state.type].header];
    if (V.files.length) items.push('Files: ' + V.files.join(', '));
    if (DIFF) items.push('Base (' + (V.diff_mode === 'base' ? '--base' : '--diff-base') + '): ' + V.base_files.join(', '));
    items.push('Samples: ' + V.sample_count);
    items.push('Total: ' + fmt(V.value[state.type][0]) + (DIFF ? ' new, ' + fmt(V.base[state.type][0]) + ' base' : ''));
    for (const f of V.active_filters) items.push('Filter: ' + f);
    if (V.prune.folded_nodes > 0) {
      items.push('Pruned: ' + V.prune.folded_nodes + ' call paths below ' + (V.prune.min_fraction * 100) +
        '% of the total (for every sample type) are folded into ' + V.prune.residue_nodes +
        ' grey "(pruned)" boxes; every total stays exact.');
    }
    if (V.prune.capped) items.push('Depth cut: the tree reached ' + V.prune.max_nodes + ' nodes; deeper frames are folded too.');
    meta.replaceChildren(...items.map((s) => el('li', '', s)));
    const legend = DIFF
      ? 'Differential: widths are the ' + (state.baseWidths ? 'base' : 'new') + " profile's values (b toggles). Colour is the change of each frame's share of its own profile's total (each profile normalised to its own total): red grew, blue shrank, intensity = (new share - base share) / the larger share, full colour at +/-100%. Hatched light: appeared (not in the base); hatched dark: vanished (base widths show them)."
      : 'Icicle graph: root on top (f flips), width = ' + V.types[state.type].type + ', colour = package (stable). Click a frame to zoom; hover for values.';
    $('legend').textContent = legend;
  }
  const sel = $('type');
  function fillTypes() {
    sel.replaceChildren(...V.types.map((t, k) => new Option(t.type + ' (' + t.unit + ')', String(k))));
  }
  sel.addEventListener('change', () => {
    state.type = +sel.value;
    update();
  });
  const search = $('search');
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.search = search.value;
      compileSearch();
      update();
    }, 80);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      stepMatch(e.shiftKey ? -1 : 1);
    }
  });
  $('next').addEventListener('click', () => stepMatch(1));
  $('prev').addEventListener('click', () => stepMatch(-1));
  $('reset').addEventListener('click', () => {
    state.zoom = 0;
    update();
  });
  $('flip').addEventListener('click', () => {
    state.flip = !state.flip;
    update();
  });
  const widths = $('widths');
  widths.addEventListener('click', () => {
    state.baseWidths = !state.baseWidths;
    update();
  });
  document.addEventListener('keydown', (e) => {
    if (e.target === search) {
      if (e.key === 'Escape') {
        search.value = '';
        state.search = '';
        compileSearch();
        search.blur();
        update();
      }
      return;
    }
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') return;
    const z = state.zoom;
    let handled = true;
    if (e.key === '/') search.focus();
    else if (e.key === 'Escape') {
      state.zoom = 0;
      state.selected = null;
    } else if (e.key === 'ArrowUp' && z > 0) state.zoom = V.parent[z];
    else if (e.key === 'ArrowDown' && kids[z].length) {
      const v = widthVals();
      state.zoom = kids[z].reduce((a, b) => (v[b] > v[a] ? b : a));
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && z > 0) {
      const sib = kids[V.parent[z]];
      const k = sib.indexOf(z) + (e.key === 'ArrowLeft' ? -1 : 1);
      if (k >= 0 && k < sib.length) state.zoom = sib[k];
    } else if (e.key === 'f') state.flip = !state.flip;
    else if (e.key === 'b' && DIFF) state.baseWidths = !state.baseWidths;
    else handled = false;
    if (handled) {
      e.preventDefault();
      update();
    }
  });
  window.addEventListener('resize', () => render());
  window.addEventListener('hashchange', () => {
    readHash();
    search.value = state.search;
    compileSearch();
    update(false);
  });

  $('view-back').addEventListener('click', () => {
    setView(0);
    update();
  });

  // Latency as a user feels it, measured by the page itself when loaded
  // with #bench (scripts/bench-top.sh): a hover over each of many frames
  // and a zoom into each (event handling, DOM update and layout, which is
  // forced; painting is not included). Medians and maxima in ms on <body>.
  function measureLatency(rounds) {
    const stats = (xs) => {
      xs.sort((a, b) => a - b);
      return [xs[Math.floor(xs.length / 2)].toFixed(1), xs[xs.length - 1].toFixed(1)];
    };
    const wide = () => [...flame.querySelectorAll('.frame')].filter((f) => f.offsetWidth > 8);
    const hover = [], zoom = [];
    let frames = wide();
    for (let k = 0; k < rounds && frames.length; k++) {
      const f = frames[(k * 7919) % frames.length];
      const r = f.getBoundingClientRect();
      const t = performance.now();
      f.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: r.left + 2, clientY: r.top + 2 }));
      void tip.getBoundingClientRect();
      hover.push(performance.now() - t);
    }
    for (let k = 0; k < rounds && frames.length; k++) {
      const f = frames[(k * 7919) % frames.length];
      const t = performance.now();
      f.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      void flame.offsetHeight;
      zoom.push(performance.now() - t);
      state.zoom = 0;
      state.selected = null;
      update(false);
      frames = wide();
    }
    if (hover.length) [document.body.dataset.hoverMs, document.body.dataset.hoverMaxMs] = stats(hover);
    if (zoom.length) [document.body.dataset.zoomMs, document.body.dataset.zoomMaxMs] = stats(zoom);
  }

  function update(write = true) {
    sel.value = String(state.type);
    widths.hidden = !DIFF;
    widths.textContent = 'Widths: ' + (state.baseWidths ? 'base' : 'new');
    renderHeader();
    renderViewBar();
    render();
    renderTable();
    renderSandwich();
    if (write) writeHash();
  }

  readHash();
  search.value = state.search;
  compileSearch();
  renderTimelines();
  update(false);
  document.body.dataset.renderMs = performance.now().toFixed(1);
  document.body.dataset.nodes = N;
  const bench = /(?:^#|&)bench=(\d+)/.exec(location.hash);
  if (bench) measureLatency(Math.min(1000, +bench[1]));
})();
