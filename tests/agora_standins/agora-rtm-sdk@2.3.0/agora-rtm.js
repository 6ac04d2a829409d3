/*
 Test stand-in for the Agora Signaling (RTM) Web SDK 2.3.0 (NOT the real SDK; no Agora code).
 Written from the published typings (agora-rtm.d.ts of agora-rtm-sdk 2.3.0): the same global `AgoraRTM` with
 `RTM`, `VERSION`, `BUILD`, `constantsType`, `setArea`, `setParameter`/`getParameter`, `RTMBaseError`; the RTM
 client's constructor(appId, userId, rtmConfig), login({ token }), logout(), renewToken(token), publish(channelName,
 message, { channelType, customType }), subscribe(channelName, { withMessage, withPresence, ... }), unsubscribe,
 addEventListener / removeEventListener of the events `message`, `presence`, `linkState`, `tokenPrivilegeWillExpire`.
 Only what a 1:1 calling app needs is routed: user-channel messages and message-channel presence. Instead of
 Agora's servers it talks to the fake cloud of tests/fake_agora_cloud.py, which records every call. Without a
 reachable cloud login() never settles, like Agora being unreachable.
*/
"use strict";
(function (root, factory) {
  if (typeof exports === "object" && typeof module !== "undefined") module.exports = factory();
  else if (typeof define === "function" && define.amd) define(factory);
  else root.AgoraRTM = factory();
})(typeof self !== "undefined" ? self : this, function () {
  const CLOUD_URL = "%%FAKE_AGORA_CLOUD_URL%%";

  /* %%FAKE_CLOUD_LINK%% */

  const link = fakeCloudLink();
  const CHANNEL_TYPES = ["MESSAGE", "USER", "STREAM"];
  const NAME_PATTERN = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]+$/;
  const bytes = (text) => new TextEncoder().encode(String(text)).length;

  class RTMBaseError extends Error {
    constructor(operation, reason, errorCode) {
      super(reason);
      this.name = "RTMBaseError";
      this.error = true;
      this.operation = operation;
      this.reason = reason;
      this.errorCode = errorCode;
      this.code = errorCode;
    }
  }
  const invalid = (operation, reason) => new RTMBaseError(operation, reason, -10001);

  function checkName(operation, what, name) {
    if (typeof name !== "string" || !name || bytes(name) > 64 || !NAME_PATTERN.test(name)
      || name.startsWith("_") || name.includes(".")) {
      throw invalid(operation, `invalid ${what}: ${JSON.stringify(name)}`);
    }
  }

  let nextClient = 1;

  class RTM {
    constructor(appId, userId, rtmConfig) {
      if (typeof appId !== "string" || appId.length !== 32) throw invalid("constructor", "invalid appId");
      checkName("constructor", "userId", userId);
      const config = Object.assign({}, rtmConfig);
      // As the 2.3.0 SDK does: a numeric presenceTimeout is clamped to 5..300 s (no error); default 300.
      config.presenceTimeout = typeof config.presenceTimeout === "number"
        ? Math.min(Math.max(config.presenceTimeout, 5), 300) : 300;
      this._cid = `rtm2-${nextClient++}-${Math.random().toString(16).slice(2)}`;
      this._appId = appId;
      this._userId = userId;
      this._config = config;
      this._listeners = new Map();
      this._loggedIn = false;
      this.presence = { getOnlineUsers: () => Promise.reject(invalid("getOnlineUsers", "not in this stand-in")) };
      link.record("rtm", "RTM", "constructor", [appId, userId, rtmConfig]);
      link.targets.set(this._cid, (message) => this._push(message));
      link.lostHandlers.add(() => this._lost());
    }
    _record(method, args, extra) {
      link.record("rtm", "RTM", method, Array.from(args), extra);
    }
    _emit(name, event) {
      for (const listener of Array.from(this._listeners.get(name) || [])) {
        setTimeout(() => listener(event), 0);
      }
    }
    _linkState(currentState, previousState, reasonCode, operation) {
      this._emit("linkState", {
        currentState, previousState, serviceType: "MESSAGE", operation: operation || "SERVER_NOTIFICATION",
        reason: reasonCode, reasonCode, affectedChannels: [], timestamp: Date.now(),
      });
    }
    _push(message) {
      if (message.op === "rtm2.message") {
        const data = new Uint8Array(message.bytes);
        this._emit("message", {
          channelType: message.channelType, channelName: message.channelName, topicName: "",
          messageType: "BINARY", customType: message.customType || "", message: data,
          publisher: message.publisher, publishTime: message.ts, timestamp: message.ts,
        });
      } else if (message.op === "rtm2.presence") {
        this._emit("presence", Object.assign({ timestamp: Date.now(), stateChanged: {}, interval: null,
          snapshot: null, channelType: "MESSAGE" }, message.event));
      } else if (message.op === "rtm2.kicked") {
        this._loggedIn = false;
        this._linkState("FAILED", "CONNECTED", "SAME_UID_LOGIN");
      } else if (message.op === "rtm2.tokenWillExpire") {
        this._emit("tokenPrivilegeWillExpire", "");
      }
    }
    _lost() {
      if (!this._loggedIn) return;
      this._loggedIn = false;
      this._linkState("DISCONNECTED", "CONNECTED", "KEEP_ALIVE_TIMEOUT");
    }
    addEventListener(eventName, listener) {
      this._record("addEventListener", [eventName, listener]);
      if (!this._listeners.has(eventName)) this._listeners.set(eventName, []);
      this._listeners.get(eventName).push(listener);
    }
    removeEventListener(eventName, listener) {
      const list = this._listeners.get(eventName) || [];
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    }
    async login(options) {
      this._record("login", arguments, { uid: this._userId });
      const token = options && options.token;
      if (token !== undefined && typeof token !== "string") throw invalid("login", "invalid token");
      this._linkState("CONNECTING", "IDLE", "LOGIN", "LOGIN");
      try {
        await link.request({ op: "rtm2.login", cid: this._cid, uid: this._userId, token: token || null,
          presenceTimeout: this._config.presenceTimeout });
      } catch (error) {
        this._linkState("FAILED", "CONNECTING", "LOGIN_REJECTED", "LOGIN");
        throw new RTMBaseError("login", error.message || "login failed", error.code || -10005);
      }
      this._loggedIn = true;
      this._linkState("CONNECTED", "CONNECTING", "LOGIN_SUCCESS", "LOGIN");
      return { timestamp: Date.now() };
    }
    async logout() {
      this._record("logout", arguments);
      if (!this._loggedIn) return { timestamp: Date.now() };
      this._loggedIn = false;
      link.send({ t: "msg", op: "rtm2.logout", cid: this._cid });
      this._linkState("DISCONNECTED", "CONNECTED", "LOGOUT", "LOGOUT");
      return { timestamp: Date.now() };
    }
    async renewToken(token, options) {
      this._record("renewToken", arguments);
      if (typeof token !== "string" || !token) throw invalid("renewToken", "invalid token");
      await link.request({ op: "rtm2.renewToken", cid: this._cid, token, channelName: options && options.channelName });
      return { timestamp: Date.now() };
    }
    async publish(channelName, message, options) {
      this._record("publish", arguments);
      const channelType = (options && options.channelType) || "MESSAGE";
      if (!CHANNEL_TYPES.includes(channelType)) throw invalid("publish", "invalid channelType");
      checkName("publish", channelType === "USER" ? "user id" : "channel name", channelName);
      if (typeof message !== "string" && !(message instanceof Uint8Array)) throw invalid("publish", "invalid message");
      if (!this._loggedIn) throw new RTMBaseError("publish", "not logged in", -10002);
      const data = typeof message === "string" ? new TextEncoder().encode(message) : message;
      try {
        await link.request({ op: "rtm2.publish", cid: this._cid, channelName, channelType,
          bytes: Array.from(data), customType: (options && options.customType) || "" });
      } catch (error) {
        throw new RTMBaseError("publish", error.message || "publish failed", error.code || -11001);
      }
      return { timestamp: Date.now(), channelName };
    }
    async subscribe(channelName, options) {
      this._record("subscribe", arguments);
      checkName("subscribe", "channel name", channelName);
      if (!this._loggedIn) throw new RTMBaseError("subscribe", "not logged in", -10002);
      const withPresence = !options || options.withPresence !== false;
      const beQuiet = Boolean(options && options.beQuiet);
      const snapshot = await link.request({ op: "rtm2.subscribe", cid: this._cid, channelName, withPresence,
        beQuiet });
      if (withPresence) {
        this._emit("presence", { eventType: "SNAPSHOT", channelType: "MESSAGE", channelName, publisher: "",
          stateChanged: {}, interval: null, timestamp: Date.now(),
          snapshot: snapshot.map((userId) => ({ userId, states: {} })) });
      }
      return { timestamp: Date.now(), channelName };
    }
    async unsubscribe(channelName) {
      this._record("unsubscribe", arguments);
      link.send({ t: "msg", op: "rtm2.unsubscribe", cid: this._cid, channelName });
      return { timestamp: Date.now(), channelName };
    }
  }

  const AgoraRTM = {
    BUILD: "stand-in", VERSION: "2.3.0", RTM, RTMBaseError,
    constantsType: { ChannelTypeEnum: { MESSAGE: "MESSAGE", USER: "USER", STREAM: "STREAM" } },
    setArea() {}, setParameter() {}, getParameter() { return undefined; },
  };
  return AgoraRTM;
});
