// The local cloud's console page: plain JavaScript, no framework, no build step. It reads the REST API of
// the same origin, follows the event stream (Server-Sent Events) and sends changes with the console token,
// which it takes from the address's fragment (#token=…, never sent to a server) or from the token field.
// Everything shown is set with textContent, never parsed as HTML: device names and payloads are data.
'use strict';

(function () {
  const TOKEN_KEY = 'tc-iot-console-token';
  // drafts: what is typed in each product's names field, kept across redraws (events redraw the tables).
  const state = { token: '', selected: null, lastEventId: 0, refreshTimer: 0, drafts: {}, productsJson: '', devicesJson: '' };

  function $(selector) {
    return document.querySelector(selector);
  }

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function notice(text, kind) {
    const box = $('#notice');
    box.textContent = text;
    box.className = kind === 'info' ? 'info' : '';
    box.hidden = !text;
  }

  // ---- Access: the token -------------------------------------------------------------------------------

  function takeTokenFromAddress() {
    const match = /(?:^#|&)token=([A-Za-z0-9._~-]+)/.exec(location.hash);
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, match[1]);
      // Keep the token out of the address bar, the history and any screenshot of it.
      history.replaceState(null, '', location.pathname + location.search);
    }
    state.token = sessionStorage.getItem(TOKEN_KEY) || '';
    showAccess();
  }

  function showAccess() {
    $('#token-state').textContent = state.token ? 'changes enabled (console token set)' : 'read-only: changes need the console token';
    $('#token-form').hidden = Boolean(state.token);
  }

  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('#token-input').value.trim();
    if (!value) return;
    sessionStorage.setItem(TOKEN_KEY, value);
    state.token = value;
    $('#token-input').value = '';
    showAccess();
  });

  // ---- The API -----------------------------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = {};
    // Sent on every request (same origin only): changes and the product-secret read need it.
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    if (response.status === 204) return null;
    const json = await response.json().catch(() => null);
    if (!response.ok) {
      const message = json && json.error ? json.error.message : 'HTTP ' + response.status;
      if (response.status === 401 || response.status === 403) {
        sessionStorage.removeItem(TOKEN_KEY);
        state.token = '';
        showAccess();
      }
      throw new Error(message);
    }
    return json;
  }

  async function change(method, path, body, done) {
    try {
      const result = await api(method, path, body);
      notice(done, 'info');
      await refresh();
      return result;
    } catch (error) {
      notice(error.message);
      state.productsJson = ''; // redraw: a refused toggle must not stay drawn as switched
      await refresh();
      return undefined;
    }
  }

  function devicePath(device) {
    return '/api/products/' + encodeURIComponent(device.productId) + '/devices/' + encodeURIComponent(device.deviceName);
  }

  // ---- Tables ------------------------------------------------------------------------------------------

  function toggle(product, field, label) {
    const box = el('input', { type: 'checkbox', 'data-field': field, 'aria-label': label + ' for ' + product.productId });
    box.checked = product[field];
    if (field === 'autoCreateDevices' && !product.dynamicRegistration) box.disabled = true;
    box.addEventListener('change', () => {
      change('PATCH', '/api/products/' + encodeURIComponent(product.productId), { [field]: box.checked }, label + (box.checked ? ' on' : ' off') + ' for ' + product.productId);
    });
    return el('label', { className: 'toggle' }, [box, ' ' + (product[field] ? 'on' : 'off')]);
  }

  function renderProducts(products) {
    // Redraw only when something changed, and keep what is being typed (and where) when it did.
    const json = JSON.stringify(products);
    if (json === state.productsJson) return;
    state.productsJson = json;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.namesFor : undefined;
    const body = $('#products tbody');
    body.replaceChildren(...products.map((product) => {
      const names = el('input', { placeholder: 'name-1, name-2', size: 16, 'aria-label': 'device names for ' + product.productId, 'data-names-for': product.productId });
      names.value = state.drafts[product.productId] || '';
      names.addEventListener('input', () => { state.drafts[product.productId] = names.value; });
      const addNames = el('button', {
        text: 'Add names',
        onclick: async () => {
          const list = names.value.split(/[\s,]+/).filter(Boolean);
          if (list.length === 0) return;
          const added = await change('POST', '/api/products/' + encodeURIComponent(product.productId) + '/devices', { deviceNames: list }, list.length + ' name(s) added to ' + product.productId);
          if (added) {
            delete state.drafts[product.productId];
            state.productsJson = '';
            await refresh();
          }
        },
      });
      const secret = el('button', {
        text: 'Show secret',
        onclick: async () => {
          try {
            const answer = await api('GET', '/api/products/' + encodeURIComponent(product.productId) + '/secret');
            // Shown in a prompt (selectable, copyable), never written into the page.
            window.prompt('Product secret of ' + product.productId + ' (keep it private)', answer.productSecret);
          } catch (error) {
            notice(error.message);
          }
        },
      });
      return el('tr', { 'data-product': product.productId }, [
        el('td', {}, [el('code', { text: product.productId })]),
        el('td', { text: product.authMode }),
        el('td', {}, [toggle(product, 'dynamicRegistration', 'dynamic registration')]),
        el('td', {}, [toggle(product, 'autoCreateDevices', 'auto-create devices')]),
        el('td', { text: product.registerLimit === null ? 'unlimited' : product.autoCreatedCount + ' / ' + product.registerLimit }),
        el('td', { text: product.deviceCount + ' (' + product.onlineCount + ' online)' }),
        el('td', { text: product.source }),
        el('td', {}, [el('div', { className: 'actions' }, [names, addNames, secret])]),
      ]);
    }));
    if (focused) {
      const input = body.querySelector('input[data-names-for="' + CSS.escape(focused) + '"]');
      if (input) input.focus();
    }
  }

  function renderDevices(devices) {
    // Redraw only on a change, so a button is not replaced under the pointer by an unrelated event.
    const json = JSON.stringify([devices, state.selected]);
    if (json === state.devicesJson) return;
    state.devicesJson = json;
    $('#no-devices').hidden = devices.length > 0;
    const body = $('#devices tbody');
    body.replaceChildren(...devices.map((device) => {
      const key = device.productId + '/' + device.deviceName;
      const row = el('tr', { 'data-device': key, 'data-state': device.state, className: state.selected === key ? 'selected' : '' }, [
        el('td', {}, [el('code', { text: device.productId })]),
        el('td', {}, [el('code', { text: device.deviceName })]),
        el('td', {}, [el('span', { className: 'badge state state-' + device.state, text: device.state })]),
        el('td', { text: device.activated ? 'yes' : 'no' }),
        el('td', { text: device.credential || '—' }),
        el('td', { className: 'registrations', text: String(device.registrations) }),
        el('td', { text: device.lastLoginAt ? new Date(device.lastLoginAt).toLocaleString() : '—' }),
        el('td', {}, [el('div', { className: 'actions' }, [
          el('button', { text: 'Messages', onclick: () => selectDevice(key) }),
          el('button', {
            text: 'Reset', 'data-action': 'reset',
            onclick: () => {
              if (window.confirm('Reset ' + key + '? Its credential stops working, an open session is closed, and it may register again.')) change('POST', devicePath(device) + '/reset', undefined, key + ' reset');
            },
          }),
          el('button', {
            text: 'Delete', className: 'danger', 'data-action': 'delete',
            onclick: () => {
              if (window.confirm('Delete ' + key + '?')) change('DELETE', devicePath(device), undefined, key + ' deleted');
            },
          }),
        ])]),
      ]);
      return row;
    }));
  }

  async function selectDevice(key) {
    state.selected = key;
    await refresh();
  }

  async function renderMessages() {
    const view = $('#device-view');
    if (!state.selected) {
      view.hidden = true;
      return;
    }
    const slash = state.selected.indexOf('/');
    const device = { productId: state.selected.slice(0, slash), deviceName: state.selected.slice(slash + 1) };
    let answer;
    try {
      answer = await api('GET', devicePath(device) + '/messages');
    } catch {
      state.selected = null; // deleted meanwhile
      view.hidden = true;
      return;
    }
    view.hidden = false;
    $('#device-view-name').textContent = state.selected;
    $('#no-messages').hidden = answer.messages.length > 0;
    $('#messages tbody').replaceChildren(...answer.messages.slice().reverse().map((message) => el('tr', {}, [
      el('td', { text: new Date(message.at).toLocaleTimeString() }),
      el('td', {}, [el('code', { text: message.topic })]),
      el('td', { text: String(message.qos) }),
      el('td', { text: String(message.bytes) }),
      el('td', { className: 'payload', text: (message.payloadEncoding === 'base64' ? '(base64) ' : '') + message.payload + (message.truncated ? ' …' : '') }),
    ])));
  }

  async function refresh() {
    try {
      const [products, devices] = await Promise.all([api('GET', '/api/products'), api('GET', '/api/devices')]);
      renderProducts(products.products);
      renderDevices(devices.devices);
      await renderMessages();
    } catch (error) {
      notice('cannot reach the cloud: ' + error.message);
    }
  }

  function refreshSoon() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, 150);
  }

  // ---- The event log -----------------------------------------------------------------------------------

  function describe(event) {
    const who = event.productId && event.deviceName ? event.productId + '/' + event.deviceName : event.clientId || event.productId || event.path || '';
    switch (event.kind) {
      case 'registered': return ['registered', who + ' (API ' + event.api + ', ' + (event.existed ? 'existing device, new credential' : 'new device') + ')', 'good'];
      case 'registration-refused': return ['registration refused', who + ': code ' + event.code + ' — ' + event.message + ' (API ' + event.api + ')', 'bad'];
      case 'login': return ['login', who + ' (' + event.credential + ', ' + event.transport + (event.activated ? ', activated' : '') + ')', 'good'];
      case 'login-refused': return ['login refused', who + ': CONNACK ' + event.returnCode + ' — ' + event.message, 'bad'];
      case 'publish': return ['publish', who + ' → ' + event.topic + ' (' + event.bytes + ' bytes)', ''];
      case 'disconnected': return ['disconnected', who, ''];
      case 'console': return ['console: ' + event.action, who + (event.deviceName && !who.includes(event.deviceName) ? '/' + event.deviceName : '') + (event.detail ? ' — ' + event.detail : ''), 'console'];
      case 'console-refused': return ['console refused', event.method + ' ' + event.path + ': ' + event.status + ' — ' + event.message, 'bad'];
      default: return [event.kind, who, ''];
    }
  }

  function addEvent(event) {
    if (event.id <= state.lastEventId) return;
    state.lastEventId = event.id;
    const [kind, text, tone] = describe(event);
    const item = el('li', { className: tone, 'data-kind': event.kind, 'data-event-id': event.id }, [
      el('time', { datetime: event.at, text: new Date(event.at).toLocaleTimeString() }),
      el('span', { className: 'kind', text: kind }),
      ' ' + text,
    ]);
    const list = $('#events');
    list.prepend(item);
    while (list.children.length > 500) list.lastElementChild.remove();
  }

  function follow() {
    const badge = $('#stream-state');
    const source = new EventSource('/api/events/stream?after=' + state.lastEventId);
    source.addEventListener('open', async () => {
      badge.textContent = 'live';
      badge.className = 'badge live-on';
      // A restarted cloud numbers its events from 1 again: start over rather than skip them as seen.
      const latest = await api('GET', '/api/events?limit=0').catch(() => null);
      if (latest && latest.lastId < state.lastEventId) {
        state.lastEventId = 0;
        $('#events').replaceChildren(el('li', { className: 'console', text: '— the cloud restarted —' }));
        const recent = await api('GET', '/api/events?limit=200').catch(() => ({ events: [] }));
        recent.events.forEach(addEvent);
        refreshSoon();
      }
    });
    source.addEventListener('error', () => {
      badge.textContent = 'live: reconnecting';
      badge.className = 'badge live-off';
    });
    source.addEventListener('cloud-event', (message) => {
      addEvent(JSON.parse(message.data));
      refreshSoon();
    });
  }

  // ---- Start -------------------------------------------------------------------------------------------

  $('#create-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const body = {
      authMode: form.authMode.value,
      dynamicRegistration: form.dynamicRegistration.checked,
      autoCreateDevices: form.autoCreateDevices.checked,
    };
    if (form.productId.value.trim()) body.productId = form.productId.value.trim();
    if (form.registerLimit.value !== '') body.registerLimit = Number(form.registerLimit.value);
    change('POST', '/api/products', body, 'product created').then((created) => {
      if (created) {
        form.reset();
        notice('product ' + created.productId + ' created; "Show secret" reveals its product secret', 'info');
      }
    });
  });

  async function start() {
    takeTokenFromAddress();
    try {
      const recent = await api('GET', '/api/events?limit=200');
      recent.events.forEach(addEvent);
    } catch (error) {
      notice('cannot reach the cloud: ' + error.message);
    }
    await refresh();
    follow();
  }

  start();
})();
