// Agora Signaling 2.x (agora-rtm-sdk 2.3.0) in the browser: login with a token minted by the server, presence of
// the app's people, and user-channel messages (CallAPI's transport). Every SDK event is passed to Python, which
// decides what it means; Python calls the methods below. The SDK is a UMD script that sets window.AgoraRTM.
import { loadAgoraRtm } from "agora_rtm_script";

const LOGIN_TIMEOUT_MS = 12000; // say "cannot reach" well within 15 s, whatever the SDK's own retries
const SEND_TIMEOUT_MS = 8000;
const MAX_CHANNELS = 100; // the SDK's limit of subscribed channels per client

function describe(error) {
  if (!error) return "unknown error";
  const code = error.code !== undefined ? error.code : error.errorCode;
  return [code !== undefined ? `code ${code}` : "", error.reason || error.message || String(error)]
    .filter(Boolean).join(": ");
}

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

export default {
  template: `<span style="display:none"></span>`,
  props: { appId: String, sdkUrl: String, uid: String, presenceChannel: String, presenceTimeout: Number },
  created() {
    this.loggedIn = false;
    this.watched = new Set(); // people's own-id channels, where CallAPI 2.x apps are present
  },
  mounted() {
    this.ready = this.setUp();
  },
  unmounted() {
    window.removeEventListener("pagehide", this.onPageHide);
    this.logout();
  },
  methods: {
    async setUp() {
      try {
        const sdk = await loadAgoraRtm(this.sdkUrl);
        this.client = new sdk.RTM(this.appId, this.uid, { presenceTimeout: this.presenceTimeout, logUpload: false, logLevel: "warn" });
      } catch (error) {
        this.$emit("login-failed", { reason: describe(error) });
        return false;
      }
      this.client.addEventListener("linkState", (event) => {
        if (event.currentState !== "CONNECTED") this.loggedIn = false;
        this.$emit("state", { state: event.currentState, reason: event.reasonCode || event.reason || "" });
      });
      this.client.addEventListener("message", (event) => {
        if (event.channelType !== "USER") return;
        const text = typeof event.message === "string" ? event.message : new TextDecoder().decode(event.message);
        this.$emit("message", { publisher: event.publisher, text });
      });
      this.client.addEventListener("presence", (event) => this.presence(event));
      this.client.addEventListener("tokenPrivilegeWillExpire", () => this.$emit("token-will-expire"));
      this.onPageHide = () => this.logout();
      window.addEventListener("pagehide", this.onPageHide);
      return true;
    },
    presence(event) {
      const channel = event.channelName;
      if (channel !== this.presenceChannel && !this.watched.has(channel)) return;
      const states = {};
      if (event.eventType === "SNAPSHOT") {
        for (const user of event.snapshot || []) states[user.userId] = "ONLINE";
        this.$emit("presence", { channel, states, snapshot: true });
        return;
      }
      if (event.eventType === "INTERVAL" && event.interval) {
        for (const id of event.interval.join.users || []) states[id] = "ONLINE";
        for (const id of event.interval.leave.users || []) states[id] = "OFFLINE";
        for (const id of event.interval.timeout.users || []) states[id] = "OFFLINE";
      } else if (event.eventType === "REMOTE_JOIN") {
        states[event.publisher] = "ONLINE";
      } else if (event.eventType === "REMOTE_LEAVE" || event.eventType === "REMOTE_TIMEOUT") {
        states[event.publisher] = "OFFLINE";
      }
      if (Object.keys(states).length) this.$emit("presence", { channel, states, snapshot: false });
    },
    // Follow these people's own-id channels too: a CallAPI app shows online by being present in its own.
    async watch(userIds) {
      const fresh = userIds.filter((id) => !this.watched.has(id)).slice(0, MAX_CHANNELS - 1 - this.watched.size);
      for (const id of fresh) this.watched.add(id);
      if (this.loggedIn) await this.subscribeWatched(fresh);
    },
    async subscribeWatched(userIds) {
      // Quietly: the watcher itself does not show up in someone else's channel.
      await Promise.all(userIds.map((id) => within(
        this.client.subscribe(id, { withMessage: false, withPresence: true, beQuiet: true }), LOGIN_TIMEOUT_MS,
        "subscribe").catch((error) => console.warn(`presence of ${id}: ${describe(error)}`))));
    },
    // Python calls this once the page's websocket is up, so every event below reaches it in order.
    async login(token) {
      if (!(await this.ready)) return;
      if (this.loggedIn) await this.client.logout().catch(() => {});
      try {
        await within(this.client.login({ token }), LOGIN_TIMEOUT_MS, "login");
        // Presence: every tab of the app subscribes to one channel; a closed one times out after presenceTimeout.
        await within(this.client.subscribe(this.presenceChannel, { withMessage: false, withPresence: true }),
          LOGIN_TIMEOUT_MS, "subscribe");
        this.loggedIn = true;
        this.$emit("logged-in");
      } catch (error) {
        this.loggedIn = false;
        this.client.logout().catch(() => {});
        this.$emit("login-failed", { reason: describe(error) });
        return;
      }
      await this.subscribeWatched(Array.from(this.watched));
    },
    logout() {
      this.loggedIn = false;
      if (this.client) this.client.logout().catch(() => {});
    },
    async renewToken(token) {
      if (this.client) await this.client.renewToken(token);
    },
    // CallAPI's transport: the JSON text as UTF-8 bytes to one user's channel. Fails when that user is offline.
    async send(userId, text) {
      try {
        await within(this.client.publish(userId, new TextEncoder().encode(text), { channelType: "USER" }),
          SEND_TIMEOUT_MS, "publish");
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: describe(error) };
      }
    },
  },
};
