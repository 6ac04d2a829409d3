/*
 Test stand-in for the Agora RTM Web SDK 1.5.1 (NOT the real SDK; no Agora code).
 Written from the published typings (index.d.ts of agora-rtm-sdk 1.5.1): the same global `AgoraRTM`, the same
 names, enum values, event names and event arguments. Instead of Agora's servers it talks to the fake cloud of
 tests/fake_agora_cloud.py over a WebSocket, which routes logins, presence and call invitations between pages
 and records every SDK call. Without a reachable cloud it behaves like Agora being unreachable: login() rejects
 after the login timeout (12 s by default) with code 9 and ConnectionStateChanged("DISCONNECTED", "LOGIN_TIMEOUT").
*/
"use strict";
(function (root, factory) {
  if (typeof exports === "object" && typeof module !== "undefined") module.exports = factory();
  else if (typeof define === "function" && define.amd) define(factory);
  else root.AgoraRTM = factory();
})(typeof self !== "undefined" ? self : this, function () {
  // Filled in by FakeAgoraCloud.sdk_folder(), with the cloud link below (no URL: window.__FAKE_AGORA_CLOUD_URL__).
  const CLOUD_URL = "%%FAKE_AGORA_CLOUD_URL%%";
  const LOGIN_TIMEOUT_MS = Number("%%FAKE_AGORA_LOGIN_TIMEOUT_MS%%") || 12000;

  /* %%FAKE_CLOUD_LINK%% */

  const link = fakeCloudLink();

  const ConnectionChangeReason = Object.freeze({
    LOGIN: "LOGIN", LOGIN_SUCCESS: "LOGIN_SUCCESS", LOGIN_FAILURE: "LOGIN_FAILURE", LOGIN_TIMEOUT: "LOGIN_TIMEOUT",
    INTERRUPTED: "INTERRUPTED", LOGOUT: "LOGOUT", BANNED_BY_SERVER: "BANNED_BY_SERVER", REMOTE_LOGIN: "REMOTE_LOGIN",
    TOKEN_EXPIRED: "TOKEN_EXPIRED",
  });
  const ConnectionState = Object.freeze({
    DISCONNECTED: "DISCONNECTED", CONNECTING: "CONNECTING", CONNECTED: "CONNECTED", RECONNECTING: "RECONNECTING",
    ABORTED: "ABORTED",
  });
  const LocalInvitationState = Object.freeze({
    IDLE: "IDLE", SENT_TO_REMOTE: "SENT_TO_REMOTE", RECEIVED_BY_REMOTE: "RECEIVED_BY_REMOTE",
    ACCEPTED_BY_REMOTE: "ACCEPTED_BY_REMOTE", REFUSED_BY_REMOTE: "REFUSED_BY_REMOTE", CANCELED: "CANCELED",
    FAILURE: "FAILURE",
  });
  const RemoteInvitationState = Object.freeze({
    INVITATION_RECEIVED: "INVITATION_RECEIVED", ACCEPT_SENT_TO_LOCAL: "ACCEPT_SENT_TO_LOCAL", REFUSED: "REFUSED",
    ACCEPTED: "ACCEPTED", CANCELED: "CANCELED", FAILURE: "FAILURE",
  });
  const LocalInvitationFailureReason = Object.freeze({
    UNKNOWN: "UNKNOWN", PEER_NO_RESPONSE: "PEER_NO_RESPONSE", INVITATION_EXPIRE: "INVITATION_EXPIRE",
    PEER_OFFLINE: "PEER_OFFLINE", NOT_LOGGEDIN: "NOT_LOGGEDIN",
  });
  const RemoteInvitationFailureReason = Object.freeze({
    UNKNOWN: "UNKNOWN", PEER_OFFLINE: "PEER_OFFLINE", ACCEPT_FAILURE: "ACCEPT_FAILURE",
    INVITATION_EXPIRE: "INVITATION_EXPIRE",
  });
  const PeerOnlineState = Object.freeze({ ONLINE: "ONLINE", UNREACHABLE: "UNREACHABLE", OFFLINE: "OFFLINE" });
  const PeerSubscriptionOption = Object.freeze({ ONLINE_STATUS: "ONLINE_STATUS" });
  const MessageType = Object.freeze({ TEXT: "TEXT", RAW: "RAW" });
  const AreaCode = Object.freeze({
    GLOBAL: "GLOBAL", INDIA: "INDIA", JAPAN: "JAPAN", ASIA: "ASIA", EUROPE: "EUROPE", CHINA: "CHINA",
    NORTH_AMERICA: "NORTH_AMERICA",
  });

  // Numeric error codes of RTM 1.x.
  const LOGIN_ERR_INVALID_ARGUMENT = 3;
  const LOGIN_ERR_ALREADY_LOGIN = 8;
  const LOGIN_ERR_TIMEOUT = 9;
  const LOGIN_ERR_TOO_OFTEN = 10;
  const ERR_USER_NOT_LOGGED_IN = 102;
  const ERR_INVALID_ARGUMENT = 2;
  const PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW = 6;
  const INVITATION_ERR_INVALID_ARGUMENT = 1;
  const INVITATION_ERR_NOT_STARTED = 2;
  const INVITATION_ERR_ALREADY_END = 3;
  const INVITATION_ERR_ALREADY_ACCEPT = 4;
  const INVITATION_ERR_ALREADY_SENT = 5;

  class RtmError extends Error {
    constructor(name, message, code) {
      super(message);
      this.name = name;
      if (code !== undefined) this.code = code;
    }
  }
  const statusError = (message, code) => new RtmError("RtmInvalidStatusError", message, code);
  const argumentError = (message, code) => new RtmError("RtmInvalidArgumentError", message, code);

  const ID_PATTERN = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]+$/;
  function validId(id) {
    return typeof id === "string" && id.length > 0 && id !== "null" && ID_PATTERN.test(id)
      && new TextEncoder().encode(id).length < 64;
  }
  const byteLength = (text) => new TextEncoder().encode(String(text)).length;

  // Node-style EventEmitter, as the typings declare. A listener that throws does not break the SDK: the error is
  // reported asynchronously, like an error thrown in one of the real SDK's observers.
  class EventEmitter {
    constructor() {
      Object.defineProperty(this, "_events", { value: new Map(), enumerable: false });
    }
    on(event, listener) {
      if (!this._events.has(event)) this._events.set(event, []);
      this._events.get(event).push(listener);
      return this;
    }
    addListener(event, listener) {
      return this.on(event, listener);
    }
    prependListener(event, listener) {
      if (!this._events.has(event)) this._events.set(event, []);
      this._events.get(event).unshift(listener);
      return this;
    }
    once(event, listener) {
      const wrapper = (...args) => {
        this.off(event, wrapper);
        listener.apply(this, args);
      };
      wrapper.listener = listener;
      return this.on(event, wrapper);
    }
    off(event, listener) {
      const list = this._events.get(event);
      if (!list) return this;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i] === listener || list[i].listener === listener) {
          list.splice(i, 1);
          break;
        }
      }
      if (!list.length) this._events.delete(event);
      return this;
    }
    removeListener(event, listener) {
      return this.off(event, listener);
    }
    removeAllListeners(event) {
      if (event === undefined) this._events.clear();
      else this._events.delete(event);
      return this;
    }
    listeners(event) {
      return (this._events.get(event) || []).map((l) => l.listener || l);
    }
    rawListeners(event) {
      return (this._events.get(event) || []).slice();
    }
    listenerCount(event) {
      return (this._events.get(event) || []).length;
    }
    eventNames() {
      return Array.from(this._events.keys());
    }
    emit(event, ...args) {
      const list = (this._events.get(event) || []).slice();
      for (const listener of list) {
        try {
          listener.apply(this, args);
        } catch (error) {
          setTimeout(() => { throw error; });
        }
      }
      return list.length > 0;
    }
  }

  const LOCAL_INVITATION_ENDED = ["CANCELED", "FAILURE", "ACCEPTED_BY_REMOTE", "REFUSED_BY_REMOTE"];
  const REMOTE_INVITATION_ENDED = ["ACCEPTED", "REFUSED", "CANCELED", "FAILURE"];

  class LocalInvitation extends EventEmitter {
    constructor(client, calleeId) {
      super();
      Object.defineProperty(this, "_client", { value: client, enumerable: false });
      Object.defineProperty(this, "_callId", { value: randomId("call-"), enumerable: false });
      this._state = LocalInvitationState.IDLE;
      this._content = "";
      this._channelId = "";
      this._response = "";
      this._calleeId = calleeId;
    }
    get calleeId() { return this._calleeId; }
    get state() { return this._state; }
    get response() { return this._response; }
    set response(value) {
      throw argumentError('Cannot set the "response" of the LocalInvitation instance.', INVITATION_ERR_INVALID_ARGUMENT);
    }
    get content() { return this._content; }
    set content(value) { this._content = value; }
    get channelId() { return this._channelId; }
    set channelId(value) {
      // The real SDK ignores (and logs) a channel id set after the invitation was sent.
      if (this._state !== LocalInvitationState.IDLE) return;
      this._channelId = value;
    }
    _ended() { return LOCAL_INVITATION_ENDED.includes(this._state); }
    __fakeAgoraDescribe() {
      return { $type: "LocalInvitation", calleeId: this._calleeId, content: this._content, channelId: this._channelId,
        state: this._state };
    }
    _snapshot() {
      return { calleeId: this._calleeId, content: this._content, channelId: this._channelId, response: this._response,
        state: this._state };
    }
    send(...args) {
      this._client._record("LocalInvitation", "send", args, { invitation: this._snapshot() });
      if (this._state === LocalInvitationState.SENT_TO_REMOTE || this._state === LocalInvitationState.RECEIVED_BY_REMOTE) {
        throw statusError("The local invitation send failure. The call invitation has already been sent.", INVITATION_ERR_ALREADY_SENT);
      }
      if (this._ended()) throw statusError("The local invitation send failure. The call invitation has ended.", INVITATION_ERR_ALREADY_END);
      if (String(this._channelId).length > 0 && !validId(this._channelId)) {
        throw argumentError("Illegal invitation channel ID", INVITATION_ERR_INVALID_ARGUMENT);
      }
      if (!validId(this._calleeId)) throw argumentError("Illegal invitation callee user ID", INVITATION_ERR_INVALID_ARGUMENT);
      if (byteLength(this._content) > 8192) {
        throw argumentError('The length of the "content" overflows. The number of bytes representing content must not exceed 8 × 1024 if encoded in UTF-8.', INVITATION_ERR_INVALID_ARGUMENT);
      }
      this._state = LocalInvitationState.SENT_TO_REMOTE;
      const client = this._client;
      client._localInvitations.set(this._callId, this);
      client._lastLocalInvitation = this;
      if (client._connectionState !== ConnectionState.CONNECTED && client._connectionState !== ConnectionState.RECONNECTING) {
        setTimeout(() => this._fail(LocalInvitationFailureReason.NOT_LOGGEDIN));
        return;
      }
      link.send({ t: "msg", op: "rtm.invite", cid: client._cid, callId: this._callId, calleeId: this._calleeId,
        content: this._content, channelId: this._channelId });
    }
    cancel(...args) {
      this._client._record("LocalInvitation", "cancel", args, { invitation: this._snapshot() });
      if (this._ended()) throw statusError("The local invitation cancel failure", INVITATION_ERR_ALREADY_END);
      if (this._state === LocalInvitationState.IDLE) throw statusError("The local invitation has not been sent", INVITATION_ERR_NOT_STARTED);
      if (byteLength(this._content) > 8192) {
        throw argumentError('The length of the "content" overflows. The number of bytes representing content must not exceed 8 × 1024 if encoded in UTF-8.', INVITATION_ERR_INVALID_ARGUMENT);
      }
      link.send({ t: "msg", op: "rtm.cancel", cid: this._client._cid, callId: this._callId, calleeId: this._calleeId,
        content: this._content, channelId: this._channelId });
      this._state = LocalInvitationState.CANCELED;
      this.emit("LocalInvitationCanceled");
    }
    _fail(reason) {
      if (this._ended()) return;
      this._state = LocalInvitationState.FAILURE;
      this.emit("LocalInvitationFailure", reason);
    }
    _receivedByPeer() {
      if (this._state !== LocalInvitationState.SENT_TO_REMOTE) return;
      this._state = LocalInvitationState.RECEIVED_BY_REMOTE;
      this.emit("LocalInvitationReceivedByPeer");
    }
    _remote(message) {
      const event = message.event;
      if (event === "received") return this._receivedByPeer();
      if (event === "failure") return this._fail(message.reason);
      if (event === "accepted") {
        if (this._ended() && this._state !== LocalInvitationState.ACCEPTED_BY_REMOTE) return;
        if (this._state === LocalInvitationState.IDLE) return;
        link.send({ t: "msg", op: "rtm.acceptAck", cid: this._client._cid, callId: this._callId });
        if (this._state === LocalInvitationState.ACCEPTED_BY_REMOTE) return;
        this._receivedByPeer();
        this._state = LocalInvitationState.ACCEPTED_BY_REMOTE;
        this._response = message.response;
        this.emit("LocalInvitationAccepted", message.response);
        return;
      }
      if (event === "refused") {
        if (this._ended() || this._state === LocalInvitationState.IDLE) return;
        this._receivedByPeer();
        this._response = message.response;
        this._state = LocalInvitationState.REFUSED_BY_REMOTE;
        this.emit("LocalInvitationRefused", message.response);
      }
    }
    _inject(name, args) {
      const states = {
        LocalInvitationReceivedByPeer: LocalInvitationState.RECEIVED_BY_REMOTE,
        LocalInvitationAccepted: LocalInvitationState.ACCEPTED_BY_REMOTE,
        LocalInvitationRefused: LocalInvitationState.REFUSED_BY_REMOTE,
        LocalInvitationCanceled: LocalInvitationState.CANCELED,
        LocalInvitationFailure: LocalInvitationState.FAILURE,
      };
      if (states[name]) this._state = states[name];
      if (name === "LocalInvitationAccepted" || name === "LocalInvitationRefused") this._response = args[0];
      if (this._ended()) link.send({ t: "msg", op: "rtm.invitationEnded", cid: this._client._cid, callId: this._callId });
      this.emit(name, ...args);
    }
  }

  class RemoteInvitation extends EventEmitter {
    constructor(client, info) {
      super();
      Object.defineProperty(this, "_client", { value: client, enumerable: false });
      Object.defineProperty(this, "_callId", { value: info.callId, enumerable: false });
      this._state = RemoteInvitationState.INVITATION_RECEIVED;
      this._callerId = info.callerId;
      this._content = info.content;
      this._channelId = info.channelId;
      this._response = "";
      this._acceptTimer = null;
      this._acceptDelivered = undefined;
    }
    get callerId() { return this._callerId; }
    get state() { return this._state; }
    get channelId() { return this._channelId; }
    set channelId(value) {
      throw argumentError('Cannot set the "channelId" of the RemoteInvitation instance.', INVITATION_ERR_INVALID_ARGUMENT);
    }
    get content() { return this._content; }
    set content(value) {
      throw argumentError('Cannot set the "content" of the RemoteInvitation instance.', INVITATION_ERR_INVALID_ARGUMENT);
    }
    get response() { return this._response; }
    set response(value) { this._response = value; }
    _ended() { return REMOTE_INVITATION_ENDED.includes(this._state); }
    __fakeAgoraDescribe() {
      return { $type: "RemoteInvitation", callerId: this._callerId, content: this._content, channelId: this._channelId,
        state: this._state };
    }
    _snapshot() {
      return { callerId: this._callerId, content: this._content, channelId: this._channelId, response: this._response,
        state: this._state };
    }
    accept(...args) {
      this._client._record("RemoteInvitation", "accept", args, { invitation: this._snapshot() });
      if (this._ended()) throw statusError("The local invitation has ended. Cannot accept.", INVITATION_ERR_ALREADY_END);
      if (this._state === RemoteInvitationState.ACCEPT_SENT_TO_LOCAL) {
        throw statusError("The remote invitation is accepting. Cannot do the operation.", INVITATION_ERR_ALREADY_ACCEPT);
      }
      if (byteLength(this._response) > 8192) {
        throw argumentError('The length of the "response" overflows. The number of bytes representing content must not exceed 8 × 1024 if encoded in UTF-8.', INVITATION_ERR_INVALID_ARGUMENT);
      }
      this._state = RemoteInvitationState.ACCEPT_SENT_TO_LOCAL;
      link.send({ t: "msg", op: "rtm.accept", cid: this._client._cid, callId: this._callId, callerId: this._callerId,
        response: this._response, channelId: this._channelId });
      const timeout = 1000 * (link.config.accept_timeout !== undefined ? link.config.accept_timeout : 5);
      this._acceptTimer = setTimeout(() => {
        if (this._state !== RemoteInvitationState.ACCEPT_SENT_TO_LOCAL) return;
        this._state = RemoteInvitationState.FAILURE;
        const reason = this._acceptDelivered === false ? RemoteInvitationFailureReason.PEER_OFFLINE
          : RemoteInvitationFailureReason.ACCEPT_FAILURE;
        this.emit("RemoteInvitationFailure", reason);
      }, timeout);
    }
    refuse(...args) {
      this._client._record("RemoteInvitation", "refuse", args, { invitation: this._snapshot() });
      if (this._state === RemoteInvitationState.ACCEPT_SENT_TO_LOCAL) {
        throw statusError("The remote invitation is accepting. Cannot do the operation.", INVITATION_ERR_ALREADY_ACCEPT);
      }
      if (this._ended()) throw statusError("The invitation is end. Cannot refuse", INVITATION_ERR_ALREADY_END);
      if (byteLength(this._response) > 8192) {
        throw argumentError('The length of the "response" overflows. The number of bytes representing content must not exceed 8 × 1024 if encoded in UTF-8.', INVITATION_ERR_INVALID_ARGUMENT);
      }
      link.send({ t: "msg", op: "rtm.refuse", cid: this._client._cid, callId: this._callId, callerId: this._callerId,
        response: this._response, channelId: this._channelId });
      this._state = RemoteInvitationState.REFUSED;
      this.emit("RemoteInvitationRefused");
    }
    _remote(message) {
      const event = message.event;
      if (event === "canceled") {
        if (this._ended()) return;
        this._content = message.content;
        this._state = RemoteInvitationState.CANCELED;
        this.emit("RemoteInvitationCanceled", message.content);
      } else if (event === "acceptAck") {
        if (this._state !== RemoteInvitationState.ACCEPT_SENT_TO_LOCAL) return;
        clearTimeout(this._acceptTimer);
        this._state = RemoteInvitationState.ACCEPTED;
        this.emit("RemoteInvitationAccepted");
      } else if (event === "acceptDelivery") {
        this._acceptDelivered = message.delivered;
      } else if (event === "failure") {
        if (this._ended()) return;
        clearTimeout(this._acceptTimer);
        this._state = RemoteInvitationState.FAILURE;
        this.emit("RemoteInvitationFailure", message.reason);
      }
    }
    _inject(name, args) {
      const states = {
        RemoteInvitationAccepted: RemoteInvitationState.ACCEPTED,
        RemoteInvitationRefused: RemoteInvitationState.REFUSED,
        RemoteInvitationCanceled: RemoteInvitationState.CANCELED,
        RemoteInvitationFailure: RemoteInvitationState.FAILURE,
      };
      if (states[name]) {
        this._state = states[name];
        clearTimeout(this._acceptTimer);
      }
      if (name === "RemoteInvitationCanceled" && args.length) this._content = args[0];
      if (this._ended()) link.send({ t: "msg", op: "rtm.invitationEnded", cid: this._client._cid, callId: this._callId });
      this.emit(name, ...args);
    }
  }

  class RtmChannel extends EventEmitter {
    constructor(client, channelId) {
      super();
      Object.defineProperty(this, "_client", { value: client, enumerable: false });
      this.channelId = channelId;
    }
    _unsupported(method) {
      this._client._record("RtmChannel", method, []);
      return Promise.reject(new RtmError("RtmUnavailableError", `RtmChannel.${method} is not supported by the test stand-in`));
    }
    join() { return this._unsupported("join"); }
    leave() { return this._unsupported("leave"); }
    getMembers() { return this._unsupported("getMembers"); }
    sendMessage() { return this._unsupported("sendMessage"); }
  }

  class RtmClient extends EventEmitter {
    constructor(appId, config, areaCodes) {
      super();
      const hidden = {
        _cid: randomId("rtm-"), _appId: appId, _config: Object.assign({}, config || {}), _areaCodes: areaCodes,
        _connectionState: ConnectionState.DISCONNECTED, _uid: undefined, _loginPromise: undefined,
        _lastLoginTime: undefined, _subscribed: {}, _unreachableTimers: {}, _localInvitations: new Map(),
        _remoteInvitations: new Map(), _lastLocalInvitation: null, _lastRemoteInvitation: null, _loginAttempt: 0,
      };
      for (const [key, value] of Object.entries(hidden)) {
        Object.defineProperty(this, key, { value, writable: true, enumerable: false });
      }
      link.targets.set(this._cid, (message) => this._push(message));
      link.lostHandlers.add(() => {
        if (this._connectionState === ConnectionState.CONNECTED) this._setState(ConnectionState.RECONNECTING, ConnectionChangeReason.INTERRUPTED);
      });
    }
    get connectionState() { return this._connectionState; }
    _record(object, method, args, extra) {
      link.record("rtm", object, method, args, Object.assign({ cid: this._cid, uid: this._uid === undefined ? null : this._uid }, extra || {}));
    }
    _setState(state, reason) {
      this._connectionState = state;
      this.emit("ConnectionStateChanged", state, reason);
    }

    login(...args) {
      const options = args[0];
      if (options && typeof options === "object" && typeof options.uid === "string") this._uid = options.uid;
      this._record("client", "login", args);
      return this._login(options);
    }
    async _login(options) {
      if (!options || typeof options !== "object" || !validId(options.uid)) {
        throw argumentError("not a valid user id", LOGIN_ERR_INVALID_ARGUMENT);
      }
      const token = options.token;
      if (token !== undefined && token !== null && typeof token !== "string") {
        throw argumentError('The "token" is not a valid string.', LOGIN_ERR_INVALID_ARGUMENT);
      }
      if (this._lastLoginTime !== undefined && Date.now() - this._lastLoginTime < 500) {
        throw new RtmError("RtmInvokeTooOftenError", "The frequency of login exceeded the limit of 2 queries per second", LOGIN_ERR_TOO_OFTEN);
      }
      if (this._connectionState !== ConnectionState.DISCONNECTED) {
        throw statusError("The SDK is either logging in or has logged in the Agora RTM system", LOGIN_ERR_ALREADY_LOGIN);
      }
      const attempt = ++this._loginAttempt;
      this._setState(ConnectionState.CONNECTING, ConnectionChangeReason.LOGIN);
      let timer;
      const timeoutMs = link.config.login_timeout !== undefined ? 1000 * link.config.login_timeout : LOGIN_TIMEOUT_MS;
      const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve("timeout"), timeoutMs); });
      const answered = link.request({ op: "rtm.login", cid: this._cid, appId: this._appId, uid: options.uid,
        token: token === undefined ? null : token }).then(() => "ok", (error) => ({ error }));
      this._loginPromise = Promise.race([answered, timedOut]);
      let outcome;
      try {
        outcome = await this._loginPromise;
      } finally {
        clearTimeout(timer);
        this._loginPromise = undefined;
      }
      if (attempt !== this._loginAttempt || this._connectionState !== ConnectionState.CONNECTING) {
        throw statusError("Login aborted", LOGIN_ERR_ALREADY_LOGIN);
      }
      if (outcome === "timeout") {
        link.send({ t: "msg", op: "rtm.loginAbandoned", cid: this._cid });
        this._setState(ConnectionState.DISCONNECTED, ConnectionChangeReason.LOGIN_TIMEOUT);
        throw new RtmError("RtmTimeoutError", `Executing "RtmClient.login" timed out after ${Math.floor(timeoutMs / 1000)}s.`, LOGIN_ERR_TIMEOUT);
      }
      if (outcome !== "ok") {
        const error = outcome.error || {};
        this._setState(ConnectionState.DISCONNECTED, ConnectionChangeReason.LOGIN_FAILURE);
        throw new RtmError(error.name || "RtmUnavailableError", error.message || "Login failure", error.code);
      }
      this._lastLoginTime = Date.now();
      this._setState(ConnectionState.CONNECTED, ConnectionChangeReason.LOGIN_SUCCESS);
    }

    logout(...args) {
      this._record("client", "logout", args);
      return this._logout();
    }
    async _logout() {
      if (this._loginPromise) await this._loginPromise.catch(() => {});
      if (this._connectionState === ConnectionState.DISCONNECTED) {
        throw statusError("Logout failure. The client has already been logged out", ERR_USER_NOT_LOGGED_IN);
      }
      this._clearSubscriptions();
      if (this._connectionState === ConnectionState.ABORTED || !link.connected) {
        this._setState(ConnectionState.DISCONNECTED, ConnectionChangeReason.LOGOUT);
        return;
      }
      if (this._connectionState === ConnectionState.CONNECTING) this._loginAttempt++;
      await Promise.race([link.request({ op: "rtm.logout", cid: this._cid }), new Promise((r) => setTimeout(r, 3000))]);
      this._setState(ConnectionState.DISCONNECTED, ConnectionChangeReason.LOGOUT);
    }

    renewToken(...args) {
      this._record("client", "renewToken", args);
      const token = args[0];
      if (typeof token !== "string" || token.length === 0) return Promise.reject(argumentError("Invalid argument", ERR_INVALID_ARGUMENT));
      if (this._connectionState === ConnectionState.ABORTED) return new Promise(() => {}); // what 1.5.1 does
      if (this._connectionState !== ConnectionState.CONNECTED && this._connectionState !== ConnectionState.RECONNECTING) {
        return Promise.reject(statusError("The client is not logged in", ERR_USER_NOT_LOGGED_IN));
      }
      return link.request({ op: "rtm.renewToken", cid: this._cid, token }).then(() => undefined);
    }

    queryPeersOnlineStatus(...args) {
      this._record("client", "queryPeersOnlineStatus", args);
      const peerIds = args[0];
      if (this._connectionState !== ConnectionState.CONNECTED) {
        return Promise.reject(statusError("The client is not logged in", ERR_USER_NOT_LOGGED_IN));
      }
      if (!Array.isArray(peerIds) || peerIds.length === 0 || peerIds.length > 256 || peerIds.some((id) => !validId(id))) {
        return Promise.reject(argumentError("invalid arguments", ERR_INVALID_ARGUMENT));
      }
      return link.request({ op: "rtm.query", cid: this._cid, peerIds }).then((result) => {
        for (const id of Object.keys(result)) {
          if (id in this._subscribed && this._subscribed[id] !== PeerOnlineState.UNREACHABLE) {
            const state = result[id] ? PeerOnlineState.ONLINE : PeerOnlineState.OFFLINE;
            if (this._subscribed[id] !== state) {
              this._subscribed[id] = state;
              this.emit("PeersOnlineStatusChanged", { [id]: state });
            }
          }
        }
        return result;
      });
    }

    subscribePeersOnlineStatus(...args) {
      this._record("client", "subscribePeersOnlineStatus", args);
      const peerIds = args[0];
      if (this._connectionState !== ConnectionState.CONNECTED) {
        return Promise.reject(statusError("The client is not logged in", ERR_USER_NOT_LOGGED_IN));
      }
      if (!Array.isArray(peerIds) || peerIds.length === 0) return Promise.reject(argumentError("Invalid arguments: peerIds", ERR_INVALID_ARGUMENT));
      for (const id of peerIds) {
        if (!validId(id)) return Promise.reject(argumentError(`subscribePeersOnlineStatus peer id ${id} is invalid`, ERR_INVALID_ARGUMENT));
      }
      const unique = Array.from(new Set(peerIds));
      const fresh = unique.filter((id) => !(id in this._subscribed));
      if (fresh.length + Object.keys(this._subscribed).length > 512) {
        return Promise.reject(new RtmError("RtmLimitExceededError", "Subscribed peers overflows", PEER_SUBSCRIPTION_STATUS_ERR_OVERFLOW));
      }
      for (const id of unique) this._subscribed[id] = undefined;
      return link.request({ op: "rtm.subscribe", cid: this._cid, peerIds: unique }).then((initial) => {
        // The initial report comes after the subscription succeeded, as a separate callback.
        setTimeout(() => {
          const report = {};
          for (const id of unique) {
            // A change pushed while this report waited is newer: the initial state must not overwrite it.
            if (!(id in this._subscribed) || this._subscribed[id] !== undefined) continue;
            report[id] = initial[id];
            this._subscribed[id] = initial[id];
          }
          if (Object.keys(report).length) this.emit("PeersOnlineStatusChanged", report);
        });
      });
    }

    unsubscribePeersOnlineStatus(...args) {
      this._record("client", "unsubscribePeersOnlineStatus", args);
      const peerIds = args[0];
      if (this._connectionState !== ConnectionState.CONNECTED) {
        return Promise.reject(statusError("The client is not logged in", ERR_USER_NOT_LOGGED_IN));
      }
      if (!Array.isArray(peerIds) || peerIds.length === 0) return Promise.reject(argumentError("Invalid arguments: peerIds", ERR_INVALID_ARGUMENT));
      for (const id of peerIds) delete this._subscribed[id];
      return link.request({ op: "rtm.unsubscribe", cid: this._cid, peerIds }).then(() => undefined);
    }

    queryPeersBySubscriptionOption(...args) {
      this._record("client", "queryPeersBySubscriptionOption", args);
      if (this._connectionState !== ConnectionState.CONNECTED) {
        return Promise.reject(statusError("The client is not logged in", ERR_USER_NOT_LOGGED_IN));
      }
      return Promise.resolve(Object.keys(this._subscribed));
    }

    createLocalInvitation(...args) {
      this._record("client", "createLocalInvitation", args);
      return new LocalInvitation(this, args[0]);
    }

    sendMessageToPeer(...args) {
      this._record("client", "sendMessageToPeer", args);
      const [message, peerId] = args;
      if (this._connectionState !== ConnectionState.CONNECTED) {
        return Promise.reject(statusError("The client is not logged in", ERR_USER_NOT_LOGGED_IN));
      }
      if (!message || typeof message !== "object" || !validId(peerId)) {
        return Promise.reject(argumentError("Invalid arguments", ERR_INVALID_ARGUMENT));
      }
      return link.request({ op: "rtm.message", cid: this._cid, peerId, message: describe(message) });
    }

    createMessage(...args) {
      this._record("client", "createMessage", args);
      const message = Object.assign({}, args[0]);
      if (!message.messageType) message.messageType = message.rawMessage ? MessageType.RAW : MessageType.TEXT;
      return message;
    }

    createChannel(...args) {
      this._record("client", "createChannel", args);
      return new RtmChannel(this, args[0]);
    }

    updateConfig(...args) {
      this._record("client", "updateConfig", args);
      Object.assign(this._config, args[0] || {});
    }

    setParameters(...args) {
      this._record("client", "setParameters", args);
      Object.assign(this._config, args[0] || {});
    }

    _clearSubscriptions() {
      this._subscribed = {};
      for (const timer of Object.values(this._unreachableTimers)) clearTimeout(timer);
      this._unreachableTimers = {};
    }

    _presence(map) {
      const report = {};
      for (const [id, state] of Object.entries(map)) {
        if (!(id in this._subscribed) || this._subscribed[id] === state) continue;
        this._subscribed[id] = state;
        report[id] = state;
        clearTimeout(this._unreachableTimers[id]);
        if (state === PeerOnlineState.UNREACHABLE) {
          // Like the real SDK: a peer that stays UNREACHABLE for 30 s is reported ONLINE again.
          this._unreachableTimers[id] = setTimeout(() => {
            if (this._subscribed[id] !== PeerOnlineState.UNREACHABLE) return;
            this._subscribed[id] = PeerOnlineState.ONLINE;
            this.emit("PeersOnlineStatusChanged", { [id]: PeerOnlineState.ONLINE });
          }, 30000);
        }
      }
      if (Object.keys(report).length) this.emit("PeersOnlineStatusChanged", report);
    }

    _received(info) {
      if (this._remoteInvitations.has(info.callId)) return;
      const invitation = new RemoteInvitation(this, info);
      this._remoteInvitations.set(info.callId, invitation);
      this._lastRemoteInvitation = invitation;
      this.emit("RemoteInvitationReceived", invitation);
    }

    _inject(name, args) {
      if (name === "ConnectionStateChanged") {
        const [state] = args;
        const wasLoggedIn = [ConnectionState.CONNECTED, ConnectionState.RECONNECTING].includes(this._connectionState);
        this._connectionState = state;
        if (wasLoggedIn && (state === ConnectionState.ABORTED || state === ConnectionState.DISCONNECTED)) {
          this._clearSubscriptions();
          link.send({ t: "msg", op: "rtm.dropped", cid: this._cid });
        }
        this.emit(name, ...args);
      } else if (name === "PeersOnlineStatusChanged") {
        for (const [id, state] of Object.entries(args[0] || {})) {
          if (id in this._subscribed) this._subscribed[id] = state;
        }
        this.emit(name, ...args);
      } else if (name === "RemoteInvitationReceived") {
        const info = Object.assign({ callId: randomId("call-"), callerId: "", content: "", channelId: "" }, args[0] || {});
        this._received(info);
      } else {
        this.emit(name, ...args);
      }
    }

    _push(message) {
      switch (message.op) {
        case "rtm.kicked":
          if (this._connectionState === ConnectionState.CONNECTED || this._connectionState === ConnectionState.RECONNECTING) {
            this._clearSubscriptions();
            this._setState(ConnectionState.ABORTED, message.reason || ConnectionChangeReason.REMOTE_LOGIN);
          }
          break;
        case "rtm.presence":
          this._presence(message.map);
          break;
        case "rtm.invitation":
          this._received(message);
          break;
        case "rtm.local": {
          const invitation = this._localInvitations.get(message.callId);
          if (invitation) invitation._remote(message);
          break;
        }
        case "rtm.remote": {
          const invitation = this._remoteInvitations.get(message.callId);
          if (invitation) invitation._remote(message);
          break;
        }
        case "rtm.message":
          this.emit("MessageFromPeer", message.message, message.peerId, { serverReceivedTs: message.ts });
          break;
        case "rtm.inject":
          this._inject(message.name, message.args || []);
          break;
        case "rtm.injectInvitation": {
          const local = message.name.startsWith("LocalInvitation");
          const invitation = local ? this._lastLocalInvitation : this._lastRemoteInvitation;
          if (invitation) invitation._inject(message.name, message.args || []);
          else console.warn(`[AgoraRTM stand-in] no ${local ? "local" : "remote"} invitation for ${message.name}`);
          break;
        }
        default:
          break;
      }
    }
  }

  const AgoraRTM = {
    LOG_FILTER_OFF: Object.freeze({ error: false, warn: false, info: false, track: false, debug: false }),
    LOG_FILTER_ERROR: Object.freeze({ error: true, warn: false, info: false, track: false, debug: false }),
    LOG_FILTER_WARNING: Object.freeze({ error: true, warn: true, info: false, track: false, debug: false }),
    LOG_FILTER_INFO: Object.freeze({ error: true, warn: true, info: true, track: false, debug: false }),
    LOG_FILTER_DEBUG: Object.freeze({ error: true, warn: true, info: true, track: true, debug: true }),
    VERSION: "1.5.1",
    BUILD: "v1.5.1-fake-agora-stand-in",
    END_CALL_PREFIX: "AgoraRTMLegacyEndcallCompatibleMessagePrefix",
    ConnectionChangeReason,
    ConnectionState,
    LocalInvitationFailureReason,
    LocalInvitationState,
    RemoteInvitationState,
    RemoteInvitationFailureReason,
    MessageType,
    PeerOnlineState,
    PeerSubscriptionOption,
    AreaCode,
    createInstance(...args) {
      link.record("rtm", "AgoraRTM", "createInstance", args, { uid: null });
      const [appId, config, areaCodes] = args;
      return new RtmClient(appId, config, areaCodes);
    },
    setArea(...args) {
      link.record("rtm", "AgoraRTM", "setArea", args, { uid: null });
    },
    __fakeAgoraStandIn: true,
  };
  return AgoraRTM;
});
