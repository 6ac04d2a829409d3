// Agora RTM 1.x in the browser: login with a token minted by the server, peers' online status, and call
// invitations (send, cancel, accept, refuse). Every SDK event is passed to Python, which decides what it
// means for the call; Python calls the methods below. RTM 1.x is a UMD script that sets window.AgoraRTM.
import { loadAgoraRtm } from "agora_rtm_script";

const LOGIN_TIMEOUT_MS = 15000; // the SDK itself gives up after 12 s; this only guards against a hang
const MAX_SUBSCRIBED = 512; // RTM 1.x subscribes to at most 512 peers
const QUERY_CHUNK = 256; // and queries at most 256 per call

function describe(error) {
  if (!error) return "unknown error";
  return [error.code !== undefined ? `code ${error.code}` : "", error.message || String(error)].filter(Boolean).join(": ");
}

export default {
  template: `<span style="display:none"></span>`,
  props: { appId: String, sdkUrl: String, uid: String },
  created() {
    this.local = {}; // call id -> LocalInvitation
    this.remote = {}; // call id -> RemoteInvitation
    this.watched = new Set(); // peers whose online status to follow, also across re-logins
    this.state = "DISCONNECTED";
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
        this.sdk = await loadAgoraRtm(this.sdkUrl);
      } catch (error) {
        this.$emit("login-failed", { reason: describe(error) });
        return false;
      }
      this.client = this.sdk.createInstance(this.appId, { enableLogUpload: false, logFilter: this.sdk.LOG_FILTER_WARNING });
      this.client.on("ConnectionStateChanged", (state, reason) => {
        this.state = state;
        this.$emit("state", { state, reason });
      });
      this.client.on("PeersOnlineStatusChanged", (status) => this.$emit("presence", status));
      this.client.on("TokenPrivilegeWillExpire", () => this.$emit("token-will-expire"));
      this.client.on("TokenExpired", () => this.$emit("token-will-expire"));
      this.client.on("RemoteInvitationReceived", (invitation) => this.received(invitation));
      this.onPageHide = () => this.logout();
      window.addEventListener("pagehide", this.onPageHide);
      return true;
    },
    // Python calls this once the page's websocket is up, so every event below reaches it in order.
    async login(token) {
      if (!(await this.ready)) return;
      // After ABORTED (e.g. another tab logged in) the SDK logs in again only once it was logged out.
      if (this.state !== "DISCONNECTED") await this.client.logout().catch(() => {});
      let timer;
      try {
        await Promise.race([
          this.client.login({ uid: this.uid, token }),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("login timed out")), LOGIN_TIMEOUT_MS))),
        ]);
        this.$emit("logged-in");
        await this.subscribeWatched([...this.watched]);
      } catch (error) {
        this.$emit("login-failed", { reason: describe(error) });
      } finally {
        clearTimeout(timer);
      }
    },
    logout() {
      if (this.client) this.client.logout().catch(() => {});
    },
    async renewToken(token) {
      if (this.client) await this.client.renewToken(token);
    },
    async queryOnline(ids) {
      const result = {};
      for (let start = 0; start < ids.length; start += QUERY_CHUNK) {
        Object.assign(result, await this.client.queryPeersOnlineStatus(ids.slice(start, start + QUERY_CHUNK)));
      }
      return result;
    },
    async subscribe(ids) {
      for (const id of ids) this.watched.add(id);
      if (this.state === "CONNECTED") await this.subscribeWatched(ids);
    },
    async subscribeWatched(ids) {
      const chosen = ids.slice(0, MAX_SUBSCRIBED);
      for (let start = 0; start < chosen.length; start += QUERY_CHUNK) {
        await this.client.subscribePeersOnlineStatus(chosen.slice(start, start + QUERY_CHUNK));
      }
    },
    invite(calleeId, callId, channel, kind) {
      const invitation = this.client.createLocalInvitation(calleeId);
      invitation.content = JSON.stringify({ callId, kind }); // the kind rings as "voice call" or "video call"
      invitation.channelId = channel;
      const report = (event) => (detail) => this.$emit("invitation", { call_id: callId, side: "local", event, detail: detail || "" });
      invitation.on("LocalInvitationReceivedByPeer", report("ReceivedByPeer"));
      invitation.on("LocalInvitationAccepted", report("Accepted"));
      invitation.on("LocalInvitationRefused", report("Refused"));
      invitation.on("LocalInvitationCanceled", report("Canceled"));
      invitation.on("LocalInvitationFailure", report("Failure"));
      this.local[callId] = invitation;
      invitation.send();
    },
    cancel(callId) {
      const invitation = this.local[callId];
      delete this.local[callId];
      if (invitation) try { invitation.cancel(); } catch (error) { console.warn("cancel", error); }
    },
    received(invitation) {
      // Python checks both against the call it knows: a content that is not ours names no call.
      let callId = invitation.content, kind = "";
      try {
        ({ callId, kind } = JSON.parse(invitation.content));
      } catch (error) {
        // not JSON: the whole content is taken as the call id
      }
      callId = String(callId);
      this.remote[callId] = invitation;
      const report = (event) => (detail) => this.$emit("invitation", { call_id: callId, side: "remote", event, detail: detail || "" });
      invitation.on("RemoteInvitationAccepted", report("Accepted"));
      invitation.on("RemoteInvitationRefused", report("Refused"));
      invitation.on("RemoteInvitationCanceled", report("Canceled"));
      invitation.on("RemoteInvitationFailure", report("Failure"));
      this.$emit("invitation-received", { call_id: callId, caller: invitation.callerId,
                                          channel: invitation.channelId, kind: String(kind) });
    },
    accept(callId) {
      const invitation = this.remote[callId];
      delete this.remote[callId];
      if (invitation) try { invitation.accept(); } catch (error) { console.warn("accept", error); }
    },
    refuse(callId, response) {
      const invitation = this.remote[callId];
      delete this.remote[callId];
      if (!invitation) return;
      invitation.response = response;
      try { invitation.refuse(); } catch (error) { console.warn("refuse", error); }
    },
    forget(callId) {
      delete this.local[callId];
      delete this.remote[callId];
    },
  },
};
