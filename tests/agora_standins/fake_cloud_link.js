// The stand-ins' link to the fake Agora cloud (tests/fake_agora_cloud.py): one WebSocket per page, shared by the
// RTM and RTC stand-ins (whichever loads first creates it). FakeAgoraCloud.sdk_folder() writes it into both files
// at their FAKE_CLOUD_LINK placeholder, so each stays one self-contained file like the SDK it stands in for.
function describe(value, depth) {
  depth = depth || 0;
  if (value === undefined || value === null) return null;
  const type = typeof value;
  if (type === "string" || type === "boolean") return value;
  if (type === "number") return Number.isFinite(value) ? value : String(value);
  if (type === "bigint") return value.toString();
  if (type === "function") return { $type: "function" };
  if (type !== "object") return String(value);
  if (depth > 8) return { $type: "nested" };
  if (typeof value.__fakeAgoraDescribe === "function") return value.__fakeAgoraDescribe();
  if (Array.isArray(value)) return value.map((item) => describe(item, depth + 1));
  if (typeof HTMLElement !== "undefined" && value instanceof HTMLElement) {
    return { $type: "HTMLElement", tag: value.tagName.toLowerCase(), id: value.id || null };
  }
  if (typeof MediaStreamTrack !== "undefined" && value instanceof MediaStreamTrack) {
    return { $type: "MediaStreamTrack", kind: value.kind, label: value.label };
  }
  if (value instanceof Uint8Array) return { $type: "Uint8Array", data: Array.from(value) };
  const out = {};
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined) out[key] = describe(value[key], depth + 1);
  }
  return out;
}

function randomId(prefix) {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

class FakeCloudLink {
  constructor(url) {
    this.version = 1;
    this.url = url;
    this.ws = null;
    this.state = url ? "idle" : "none"; // idle | connecting | open | lost | none
    this.queue = [];
    this.pending = new Map();
    this.nextId = 1;
    this.targets = new Map();
    this.lostHandlers = new Set();
    this.page = randomId("page-");
    this.config = {};
    this.retryDelay = 500;
    if (url) this.connect();
  }
  connect() {
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      this.retry();
      return;
    }
    this.ws = ws;
    this.state = "connecting";
    ws.onopen = () => {
      this.state = "open";
      ws.send(JSON.stringify({ t: "hello", page: this.page, href: String(location.href) }));
      for (const text of this.queue.splice(0)) ws.send(text);
    };
    ws.onmessage = (event) => this.receive(JSON.parse(event.data));
    ws.onerror = () => {};
    ws.onclose = () => {
      const wasOpen = this.state === "open";
      this.ws = null;
      if (!wasOpen) return this.retry();
      this.state = "lost"; // like a cut network: no reconnection
      for (const handler of Array.from(this.lostHandlers)) {
        try { handler(); } catch (error) { console.error(error); }
      }
    };
  }
  retry() {
    this.state = "idle";
    setTimeout(() => this.connect(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 8000);
  }
  get connected() {
    return this.state === "open";
  }
  send(message) {
    const text = JSON.stringify(message);
    if (this.state === "open") this.ws.send(text);
    else if (this.state === "idle" || this.state === "connecting") this.queue.push(text);
  }
  request(message) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send(Object.assign({}, message, { t: "req", id }));
    });
  }
  receive(message) {
    if (message.t === "res") {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(message.error);
    } else if (message.t === "push") {
      const handler = this.targets.get(message.target);
      if (handler) handler(message);
    } else if (message.t === "config") {
      Object.assign(this.config, message.config);
    }
  }
  record(sdk, object, method, args, extra) {
    this.send(Object.assign({ t: "call", sdk, object, method, args: describe(args) }, extra || {}));
  }
}

function fakeCloudLink() {
  const g = typeof window !== "undefined" ? window : globalThis;
  if (g.__fakeAgoraLink) return g.__fakeAgoraLink;
  let url = g.__FAKE_AGORA_CLOUD_URL__ || CLOUD_URL;
  if (!/^wss?:\/\//.test(url)) url = null;
  g.__fakeAgoraLink = new FakeCloudLink(url);
  return g.__fakeAgoraLink;
}
