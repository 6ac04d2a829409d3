/*
 Test stand-in for the Agora RTC Web SDK 4.24.2 (NOT the real SDK; no Agora code).
 Written from the published typings (rtc-sdk_en.d.ts of agora-rtc-sdk-ng 4.24.2): an ES module whose default
 export is `AgoraRTC`, with the same names, argument orders, error codes, event names and event arguments.
 Local tracks use the browser's real getUserMedia. Instead of Agora's servers the clients talk to the fake cloud of
 tests/fake_agora_cloud.py over a WebSocket: it tracks channel membership and published media and relays WebRTC
 signaling, and two stand-in clients in one channel send each other real media over an RTCPeerConnection, so a
 remote <video> really plays. Without a reachable cloud it behaves like Agora being unreachable: join() never
 settles (leave() then makes it reject with OPERATION_ABORTED); local tracks still work.
*/
// Filled in by FakeAgoraCloud.sdk_folder(), with the cloud link below (no URL: window.__FAKE_AGORA_CLOUD_URL__).
const CLOUD_URL = "%%FAKE_AGORA_CLOUD_URL%%";

/* %%FAKE_CLOUD_LINK%% */
const link = fakeCloudLink();

const VERSION = "4.24.2";

class AgoraRTCError extends Error {
  constructor(code, message = "", data) {
    super(message);
    this.name = "AgoraRTCException";
    this.code = code;
    this.message = `AgoraRTCError ${code}: ${message}`;
    if (data !== undefined) this.data = data;
  }
  toString() {
    return this.data ? `${this.message}\ndata: ${JSON.stringify(this.data)}` : this.message;
  }
  print(level = "error") {
    (level === "warning" ? console.warn : console.error)(this.toString());
    return this;
  }
  throw() {
    this.print();
    throw this;
  }
}

// Maps getUserMedia/getDisplayMedia errors to the SDK's error codes, as the real SDK does.
function mediaError(error) {
  const name = (error && error.name) || "Error";
  const text = `${name}: ${(error && error.message) || ""}`;
  switch (name) {
    case "Starting video failed":
    case "OverconstrainedError":
    case "TrackStartError":
      return new AgoraRTCError("MEDIA_OPTION_INVALID", text);
    case "NotFoundError":
    case "DevicesNotFoundError":
      return new AgoraRTCError("DEVICE_NOT_FOUND", text);
    case "NotSupportedError":
      return new AgoraRTCError("NOT_SUPPORTED", text);
    case "NotReadableError":
      return new AgoraRTCError("NOT_READABLE", text);
    case "InvalidStateError":
    case "NotAllowedError":
    case "PERMISSION_DENIED":
    case "PermissionDeniedError":
      return new AgoraRTCError("PERMISSION_DENIED", text);
    case "ConstraintNotSatisfiedError":
      return new AgoraRTCError("CONSTRAINT_NOT_SATISFIED", text);
    default:
      return new AgoraRTCError("UNEXPECTED_ERROR", text);
  }
}

async function getUserMedia(constraints) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new AgoraRTCError("NOT_SUPPORTED", "can not find getUserMedia");
  }
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (error) {
    throw mediaError(error);
  }
}

// The SDK's EventEmitter (on/once/off/removeAllListeners/getListeners). Listener errors are logged, not thrown.
class EventEmitter {
  constructor() {
    Object.defineProperty(this, "_events", { value: {}, writable: true, enumerable: false });
  }
  getListeners(event) {
    return (this._events[event] || []).map((entry) => entry.listener);
  }
  on(event, listener) {
    (this._events[event] = this._events[event] || []).push({ listener, once: false });
  }
  addListener(event, listener) {
    this.on(event, listener);
  }
  once(event, listener) {
    (this._events[event] = this._events[event] || []).push({ listener, once: true });
  }
  off(event, listener) {
    const list = this._events[event];
    if (!list) return;
    const index = list.findIndex((entry) => entry.listener === listener);
    if (index >= 0) list.splice(index, 1);
  }
  removeAllListeners(event) {
    if (event === undefined) this._events = {};
    else delete this._events[event];
  }
  emit(event, ...args) {
    const list = (this._events[event] || []).slice();
    for (const entry of list) {
      if (entry.once) this.off(event, entry.listener);
      try {
        entry.listener(...args);
      } catch (error) {
        console.error(`[AgoraRTC stand-in] error in "${event}" listener`, error);
      }
    }
  }
}

const ID_PATTERN = /^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]+$/;
const byteLength = (text) => new TextEncoder().encode(String(text)).length;

function checkUid(uid) {
  if (uid === undefined || uid === null) return;
  if (typeof uid === "number") {
    if (!Number.isInteger(uid) || uid < 0 || uid > 0xffffffff) {
      throw new AgoraRTCError("INVALID_PARAMS", `[uid]: ${uid} is not a valid 32-bit unsigned integer`);
    }
    return;
  }
  if (typeof uid !== "string" || uid.length < 1 || uid.length > 255 || !/^[\x20-\x7e]+$/.test(uid)) {
    throw new AgoraRTCError("INVALID_PARAMS", `[uid]: ${uid} is not a valid user id`);
  }
}

const uidKey = (uid) => `${typeof uid}:${uid}`;

// ---- devices and constraints ----

const VIDEO_PRESETS = {
  "120p": [160, 120, 15], "120p_1": [160, 120, 15], "120p_3": [120, 120, 15], "180p": [320, 180, 15],
  "180p_1": [320, 180, 15], "180p_3": [180, 180, 15], "180p_4": [240, 180, 15], "240p": [320, 240, 15],
  "240p_1": [320, 240, 15], "240p_3": [240, 240, 15], "240p_4": [424, 240, 15], "360p": [640, 360, 15],
  "360p_1": [640, 360, 15], "360p_3": [360, 360, 15], "360p_4": [640, 360, 30], "360p_6": [360, 360, 30],
  "360p_7": [480, 360, 15], "360p_8": [480, 360, 30], "360p_9": [640, 360, 15], "360p_10": [640, 360, 24],
  "360p_11": [640, 360, 24], "480p": [640, 480, 15], "480p_1": [640, 480, 15], "480p_2": [640, 480, 30],
  "480p_3": [480, 480, 15], "480p_4": [640, 480, 30], "480p_6": [480, 480, 30], "480p_8": [848, 480, 15],
  "480p_9": [848, 480, 30], "480p_10": [640, 480, 10], "720p": [1280, 720, 15], "720p_1": [1280, 720, 15],
  "720p_2": [1280, 720, 30], "720p_3": [1280, 720, 30], "720p_5": [960, 720, 15], "720p_6": [960, 720, 30],
  "900p": [1600, 900, 15], "1080p": [1920, 1080, 15], "1080p_1": [1920, 1080, 15], "1080p_2": [1920, 1080, 30],
  "1080p_3": [1920, 1080, 30], "1080p_5": [1920, 1080, 60],
};

function constrain(value) {
  if (value === undefined || value === null) return undefined;
  return typeof value === "number" ? { ideal: value } : value;
}

function videoConstraints(config) {
  config = config || {};
  const constraints = {};
  let encoder = config.encoderConfig === undefined ? "480p_1" : config.encoderConfig;
  if (typeof encoder === "string") {
    const preset = VIDEO_PRESETS[encoder] || VIDEO_PRESETS["480p_1"];
    encoder = { width: preset[0], height: preset[1], frameRate: preset[2] };
  }
  for (const key of ["width", "height", "frameRate"]) {
    const value = constrain(encoder[key]);
    if (value !== undefined) constraints[key] = value;
  }
  if (config.cameraId) constraints.deviceId = { exact: config.cameraId };
  if (config.facingMode) constraints.facingMode = { exact: config.facingMode };
  return constraints;
}

function audioConstraints(config) {
  config = config || {};
  const constraints = {};
  if (config.microphoneId) constraints.deviceId = { exact: config.microphoneId };
  if (config.AEC !== undefined) constraints.echoCancellation = config.AEC;
  if (config.AGC !== undefined) constraints.autoGainControl = config.AGC;
  if (config.ANS !== undefined) constraints.noiseSuppression = config.ANS;
  return Object.keys(constraints).length ? constraints : true;
}

async function enumerate(kinds, skipPermissionCheck) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) {
    throw new AgoraRTCError("NOT_SUPPORTED", "enumerateDevices() not supported.");
  }
  let devices;
  try {
    devices = await navigator.mediaDevices.enumerateDevices();
  } catch (error) {
    throw new AgoraRTCError("ENUMERATE_DEVICES_FAILED", String(error));
  }
  const wanted = devices.filter((device) => kinds.includes(device.kind));
  if (!skipPermissionCheck && wanted.length && wanted.every((device) => !device.label)) {
    // Like the real SDK: ask for the devices once so that labels and ids are real.
    const needVideo = kinds.includes("videoinput");
    const needAudio = kinds.includes("audioinput") || kinds.includes("audiooutput");
    const stream = await getUserMedia({ audio: needAudio, video: needVideo });
    stream.getTracks().forEach((track) => track.stop());
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch (error) {
      throw new AgoraRTCError("ENUMERATE_DEVICES_FAILED", String(error));
    }
  }
  return devices.filter((device) => kinds.includes(device.kind));
}

// ---- playback ----

let pendingAutoplay = [];
function autoplayBlocked(retry) {
  pendingAutoplay.push(retry);
  if (pendingAutoplay.length > 1) return;
  if (typeof AgoraRTC.onAutoplayFailed === "function") AgoraRTC.onAutoplayFailed();
  else if (typeof AgoraRTC.onAudioAutoplayFailed === "function") AgoraRTC.onAudioAutoplayFailed();
  AgoraRTC.emit("autoplay-failed");
  const resume = () => {
    const retries = pendingAutoplay;
    pendingAutoplay = [];
    for (const event of ["click", "touchstart", "keydown"]) document.removeEventListener(event, resume, true);
    retries.forEach((fn) => fn());
  };
  for (const event of ["click", "touchstart", "keydown"]) document.addEventListener(event, resume, true);
}

function resolveElement(element, trackId) {
  if (typeof element === "string") {
    const found = document.getElementById(element);
    if (found) return found;
    console.warn(`[${trackId}] can not find "#${element}" element, use document.body`);
    return document.body;
  }
  if (element instanceof HTMLElement) return element;
  throw new AgoraRTCError("INVALID_PARAMS", "element is not a valid HTMLElement or element id");
}

class VideoPlayer {
  constructor(trackId, slot, config) {
    this.trackId = trackId;
    this.slot = slot;
    this.config = config || {};
    if (slot instanceof HTMLVideoElement) {
      this.container = null;
      this.video = slot;
    } else {
      this.container = document.createElement("div");
      this.container.id = `agora-video-player-${trackId}`;
      Object.assign(this.container.style, { width: "100%", height: "100%", position: "relative", overflow: "hidden",
        backgroundColor: "black" });
      this.video = document.createElement("video");
      this.video.id = `video_${trackId}`;
      this.video.className = "agora_video_player";
      Object.assign(this.video.style, { width: "100%", height: "100%", position: "absolute", left: "0", top: "0" });
      this.container.appendChild(this.video);
      slot.appendChild(this.container);
    }
    this.video.playsInline = true;
    this.video.muted = true;
    this.video.autoplay = true;
    this.video.setAttribute("playsinline", "");
    this.video.setAttribute("muted", "");
    this.applyConfig();
  }
  applyConfig() {
    this.video.style.objectFit = this.config.fit || "cover";
    this.video.style.transform = this.config.mirror ? "rotateY(180deg)" : "";
  }
  setTrack(mediaStreamTrack) {
    if (!mediaStreamTrack) {
      this.video.srcObject = null;
      return;
    }
    const current = this.video.srcObject;
    if (current && current.getTracks()[0] === mediaStreamTrack) return;
    this.video.srcObject = new MediaStream([mediaStreamTrack]);
    this.video.play().catch(() => {});
  }
  destroy() {
    this.video.srcObject = null;
    if (this.container) this.container.remove();
  }
}

class AudioPlayer {
  constructor() {
    this.audio = document.createElement("audio");
    this.audio.autoplay = true;
    this.volume = 100;
  }
  setTrack(mediaStreamTrack) {
    if (!mediaStreamTrack) {
      this.audio.srcObject = null;
      return;
    }
    const current = this.audio.srcObject;
    if (!current || current.getTracks()[0] !== mediaStreamTrack) this.audio.srcObject = new MediaStream([mediaStreamTrack]);
    this.start();
  }
  start() {
    const attempt = this.audio.play();
    if (attempt && attempt.catch) {
      attempt.catch((error) => {
        if (error && error.name === "NotAllowedError") autoplayBlocked(() => this.start());
      });
    }
  }
  setVolume(volume) {
    this.volume = volume;
    this.audio.volume = Math.max(0, Math.min(1, volume / 100));
  }
  destroy() {
    this.audio.pause();
    this.audio.srcObject = null;
  }
}

let audioContext = null;
function volumeLevel(track) {
  const mediaStreamTrack = track._mediaStreamTrack;
  if (!mediaStreamTrack || mediaStreamTrack.readyState !== "live") return 0;
  try {
    if (!audioContext) audioContext = new AudioContext();
    if (!track._analyser || track._analysedTrack !== mediaStreamTrack) {
      const source = audioContext.createMediaStreamSource(new MediaStream([mediaStreamTrack]));
      track._analyser = audioContext.createAnalyser();
      track._analyser.fftSize = 512;
      source.connect(track._analyser);
      track._analysedTrack = mediaStreamTrack;
    }
    const samples = new Float32Array(track._analyser.fftSize);
    track._analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    return Math.min(1, Math.sqrt(sum / samples.length) * 2);
  } catch (error) {
    return 0;
  }
}

// ---- tracks ----

class Track extends EventEmitter {
  constructor(kind, mediaStreamTrack, trackId) {
    super();
    this.trackMediaType = kind;
    this.isPlaying = false;
    Object.defineProperty(this, "_mediaStreamTrack", { value: mediaStreamTrack, writable: true, enumerable: false });
    Object.defineProperty(this, "_trackId", { value: trackId, enumerable: false });
    Object.defineProperty(this, "_player", { value: null, writable: true, enumerable: false });
  }
  getTrackId() {
    return this._trackId;
  }
  getMediaStreamTrack() {
    return this._mediaStreamTrack;
  }
  __fakeAgoraDescribe() {
    return { $type: this._objectName, trackId: this._trackId, kind: this.trackMediaType };
  }
}

class LocalTrack extends Track {
  constructor(kind, mediaStreamTrack, options) {
    const prefix = options.prefix || (kind === "video" ? "track-cam-" : "track-mic-");
    super(kind, mediaStreamTrack, randomId(prefix));
    this.muted = false;
    this.enabled = true;
    const hidden = {
      _objectName: options.objectName, _constraints: options.constraints || null, _label: options.label || "",
      _closed: false, _clients: new Set(), _slot: null, _playConfig: null, _wasPlaying: false,
    };
    for (const [key, value] of Object.entries(hidden)) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: false });
    }
    this._watchEnded();
  }
  _record(method, args) {
    const client = Array.from(this._clients)[0];
    link.record("rtc", this._objectName, method, args, { uid: client && client._uid !== undefined ? client._uid : null });
  }
  _watchEnded() {
    const mediaStreamTrack = this._mediaStreamTrack;
    if (!mediaStreamTrack) return;
    mediaStreamTrack.addEventListener("ended", () => {
      if (mediaStreamTrack === this._mediaStreamTrack && !this._closed) this.emit("track-ended");
    });
  }
  getTrackLabel() {
    return this._label || (this._mediaStreamTrack ? this._mediaStreamTrack.label : "");
  }
  getRTCRtpTransceiver() {
    for (const client of this._clients) {
      for (const peer of client._peers.values()) {
        if (peer.transceivers[this.trackMediaType]) return peer.transceivers[this.trackMediaType];
      }
    }
    return undefined;
  }
  getStats() {
    const settings = this._mediaStreamTrack && this._mediaStreamTrack.getSettings ? this._mediaStreamTrack.getSettings() : {};
    return {
      sendBytes: 0, sendBitrate: 0, sendPackets: 0, sendPacketsLost: 0, sendJitterMs: 0, sendRttMs: 0,
      currentPacketLossRate: 0, targetSendBitrate: 0, totalDuration: 0, totalFreezeTime: 0,
      captureResolutionWidth: settings.width || 0, captureResolutionHeight: settings.height || 0,
      sendResolutionWidth: settings.width || 0, sendResolutionHeight: settings.height || 0, sendVolumeLevel: 0,
    };
  }
  stop(...args) {
    this._record("stop", args);
    this._stopPlayer();
  }
  _stopPlayer() {
    if (this._player) this._player.destroy();
    this._player = null;
    this._slot = null;
    this.isPlaying = false;
  }
  close(...args) {
    this._record("close", args);
    this._stopPlayer();
    if (this._mediaStreamTrack) this._mediaStreamTrack.stop();
    this._closed = true;
    for (const client of Array.from(this._clients)) client._trackClosed(this);
  }
  setMuted(...args) {
    this._record("setMuted", args);
    return this._setMuted(args[0]);
  }
  async _setMuted(muted) {
    if (typeof muted !== "boolean") throw new AgoraRTCError("INVALID_PARAMS", "muted should be a boolean");
    if (muted === this.muted) return;
    this.muted = muted;
    if (this._mediaStreamTrack) this._mediaStreamTrack.enabled = !muted;
    for (const client of Array.from(this._clients)) {
      await client._localTrackChanged(this, `${muted ? "mute" : "unmute"}-${this.trackMediaType}`);
    }
  }
  setEnabled(...args) {
    this._record("setEnabled", args);
    return this._setEnabled(args[0]);
  }
  async _setEnabled(enabled) {
    if (typeof enabled !== "boolean") throw new AgoraRTCError("INVALID_PARAMS", "enabled should be a boolean");
    if (enabled === this.enabled) return;
    if (!enabled) {
      this.enabled = false;
      this._wasPlaying = this.isPlaying;
      if (this._player) this._player.setTrack(null);
      if (this._constraints) {
        // Device tracks release the device while disabled (the stopped track stays readable).
        if (this._mediaStreamTrack) this._mediaStreamTrack.stop();
      } else if (this._mediaStreamTrack) {
        this._mediaStreamTrack.enabled = false;
      }
    } else {
      if (this._constraints) {
        const stream = await getUserMedia({ [this.trackMediaType]: this._constraints });
        this._mediaStreamTrack = stream.getTracks()[0];
        this._mediaStreamTrack.enabled = !this.muted;
        this._watchEnded();
        this.emit("track-updated", this._mediaStreamTrack);
      } else if (this._mediaStreamTrack) {
        this._mediaStreamTrack.enabled = !this.muted;
      }
      this.enabled = true;
      if (this._player) this._player.setTrack(this._mediaStreamTrack);
    }
    const info = `${enabled ? "enable" : "disable"}-local-${this.trackMediaType}`;
    for (const client of Array.from(this._clients)) await client._localTrackChanged(this, info);
  }
  async _switchDevice(constraints) {
    const stream = await getUserMedia({ [this.trackMediaType]: constraints });
    const old = this._mediaStreamTrack;
    this._constraints = constraints;
    this._mediaStreamTrack = stream.getTracks()[0];
    this._mediaStreamTrack.enabled = !this.muted;
    this._label = this._mediaStreamTrack.label;
    this._watchEnded();
    if (old) old.stop();
    if (this._player) this._player.setTrack(this._mediaStreamTrack);
    for (const client of Array.from(this._clients)) await client._applySenders();
    this.emit("track-updated", this._mediaStreamTrack);
  }
}

class LocalAudioTrack extends LocalTrack {
  constructor(mediaStreamTrack, options) {
    super("audio", mediaStreamTrack, Object.assign({ objectName: "LocalAudioTrack" }, options));
    Object.defineProperty(this, "_volume", { value: 100, writable: true, enumerable: false });
  }
  play(...args) {
    this._record("play", args);
    if (!this._player) this._player = new AudioPlayer();
    this._player.setVolume(this._volume);
    this._player.setTrack(this._mediaStreamTrack);
    this.isPlaying = true;
  }
  setVolume(...args) {
    this._record("setVolume", args);
    this._volume = args[0];
    if (this._player) this._player.setVolume(args[0]);
  }
  getVolumeLevel() {
    return volumeLevel(this);
  }
  setPlaybackDevice(...args) {
    this._record("setPlaybackDevice", args);
    const audio = this._player && this._player.audio;
    return audio && audio.setSinkId ? audio.setSinkId(args[0]) : Promise.resolve();
  }
  setAudioFrameCallback(...args) {
    this._record("setAudioFrameCallback", args);
  }
}

class MicrophoneAudioTrack extends LocalAudioTrack {
  constructor(mediaStreamTrack, constraints) {
    super(mediaStreamTrack, { objectName: "MicrophoneAudioTrack", constraints, prefix: "track-mic-" });
  }
  setDevice(...args) {
    this._record("setDevice", args);
    const constraints = Object.assign({}, typeof this._constraints === "object" ? this._constraints : {},
      { deviceId: { exact: args[0] } });
    return this._switchDevice(constraints);
  }
}

class LocalVideoTrack extends LocalTrack {
  constructor(mediaStreamTrack, options) {
    super("video", mediaStreamTrack, Object.assign({ objectName: "LocalVideoTrack" }, options));
  }
  play(...args) {
    this._record("play", args);
    const [element, config] = args;
    const slot = resolveElement(element, this._trackId);
    const playConfig = Object.assign({ mirror: this._objectName === "CameraVideoTrack", fit: "cover" }, config || {});
    if (this._player && this._slot !== slot) this._stopPlayer();
    if (!this._player) this._player = new VideoPlayer(this._trackId, slot, playConfig);
    else {
      this._player.config = playConfig;
      this._player.applyConfig();
    }
    this._slot = slot;
    this._player.setTrack(this.enabled ? this._mediaStreamTrack : null);
    this.isPlaying = true;
  }
  setEncoderConfiguration(...args) {
    this._record("setEncoderConfiguration", args);
    return Promise.resolve();
  }
  setOptimizationMode(...args) {
    this._record("setOptimizationMode", args);
    return Promise.resolve();
  }
  setBeautyEffect(...args) {
    this._record("setBeautyEffect", args);
    return Promise.resolve();
  }
  getCurrentFrameData() {
    const video = this._player && this._player.video;
    const width = (video && video.videoWidth) || 2;
    const height = (video && video.videoHeight) || 2;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (video && video.videoWidth) context.drawImage(video, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  }
}

class CameraVideoTrack extends LocalVideoTrack {
  constructor(mediaStreamTrack, constraints) {
    super(mediaStreamTrack, { objectName: "CameraVideoTrack", constraints, prefix: "track-cam-" });
  }
  setDevice(...args) {
    this._record("setDevice", args);
    const device = args[0];
    const constraints = Object.assign({}, this._constraints || {});
    delete constraints.deviceId;
    delete constraints.facingMode;
    if (typeof device === "string") constraints.deviceId = { exact: device };
    else if (device && device.deviceId) constraints.deviceId = { exact: device.deviceId };
    else if (device && device.facingMode) constraints.facingMode = { exact: device.facingMode };
    return this._switchDevice(constraints);
  }
}

class RemoteTrack extends Track {
  constructor(kind, mediaStreamTrack, uid, client) {
    super(kind, mediaStreamTrack, randomId(`track-${kind}-${uid}-`));
    Object.defineProperty(this, "_uid", { value: uid, enumerable: false });
    Object.defineProperty(this, "_client", { value: client, enumerable: false });
    Object.defineProperty(this, "_objectName", { value: kind === "video" ? "RemoteVideoTrack" : "RemoteAudioTrack", enumerable: false });
    Object.defineProperty(this, "_destroyed", { value: false, writable: true, enumerable: false });
    Object.defineProperty(this, "_volume", { value: 100, writable: true, enumerable: false });
    this._watchFirstFrame();
  }
  _record(method, args) {
    link.record("rtc", this._objectName, method, args, { uid: this._client._uid !== undefined ? this._client._uid : null });
  }
  _watchFirstFrame() {
    const mediaStreamTrack = this._mediaStreamTrack;
    const fire = () => setTimeout(() => this.emit("first-frame-decoded"), 50);
    if (!mediaStreamTrack.muted) fire();
    else mediaStreamTrack.addEventListener("unmute", fire, { once: true });
  }
  getUserId() {
    return this._uid;
  }
  getRTCRtpTransceiver() {
    const peer = this._client._peers.get(uidKey(this._uid));
    return peer ? peer.transceivers[this.trackMediaType] : undefined;
  }
  getStats() {
    return {
      transportDelay: 0, end2EndDelay: 0, receiveBitrate: 0, receiveLevel: 0, receiveBytes: 0, receiveDelay: 0,
      receivePackets: 0, receivePacketsLost: 0, receivePacketsDiscarded: 0, packetLossRate: 0,
      currentPacketLossRate: 0, totalDuration: 0, totalFreezeTime: 0, freezeRate: 0, publishDuration: 0,
    };
  }
  play(...args) {
    this._record("play", args);
    if (this._destroyed) return;
    if (this.trackMediaType === "audio") {
      if (!this._player) this._player = new AudioPlayer();
      this._player.setVolume(this._volume);
      this._player.setTrack(this._mediaStreamTrack);
    } else {
      const [element, config] = args;
      const slot = resolveElement(element, this._trackId);
      const playConfig = Object.assign({ mirror: false, fit: "cover" }, config || {});
      if (this._player && this._player.slot !== slot) {
        this._player.destroy();
        this._player = null;
      }
      if (!this._player) this._player = new VideoPlayer(this._trackId, slot, playConfig);
      else {
        this._player.config = playConfig;
        this._player.applyConfig();
      }
      this._player.setTrack(this._mediaStreamTrack);
    }
    this.isPlaying = true;
  }
  stop(...args) {
    this._record("stop", args);
    this._stopPlayer();
  }
  _stopPlayer() {
    if (this._player) this._player.destroy();
    this._player = null;
    this.isPlaying = false;
  }
  _destroy() {
    this._stopPlayer();
    this._destroyed = true;
  }
  setVolume(...args) {
    this._record("setVolume", args);
    this._volume = args[0];
    if (this._player && this._player.setVolume) this._player.setVolume(args[0]);
  }
  getVolumeLevel() {
    return volumeLevel(this);
  }
  setPlaybackDevice(...args) {
    this._record("setPlaybackDevice", args);
    const audio = this._player && this._player.audio;
    return audio && audio.setSinkId ? audio.setSinkId(args[0]) : Promise.resolve();
  }
  getCurrentFrameData() {
    return LocalVideoTrack.prototype.getCurrentFrameData.call(this);
  }
}

class RemoteUser {
  constructor(uid) {
    this.uid = uid;
    this.hasAudio = false;
    this.hasVideo = false;
    this.audioTrack = undefined;
    this.videoTrack = undefined;
  }
  __fakeAgoraDescribe() {
    return { $type: "RemoteUser", uid: this.uid };
  }
}

// ---- peer connections between two stand-in clients (signaling through the fake cloud) ----

class Peer {
  constructor(client, uid, offerer) {
    this.client = client;
    this.uid = uid;
    this.pc = null;
    this.transceivers = {};
    this.candidates = [];
    this.closed = false;
    this.chain = Promise.resolve();
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    if (offerer) this.enqueue(() => this.offer());
  }
  enqueue(job) {
    this.chain = this.chain.then(job).catch((error) => {
      if (!this.closed) console.warn(`[AgoraRTC stand-in] peer ${this.uid}:`, error);
    });
    return this.chain;
  }
  createConnection() {
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.onicecandidate = (event) => {
      if (event.candidate) this.signal({ type: "candidate", candidate: event.candidate.toJSON() });
    };
    this.pc = pc;
    return pc;
  }
  signal(data) {
    if (this.closed) return;
    link.send({ t: "msg", op: "rtc.signal", cid: this.client._cid, to: this.uid, data });
  }
  preferCodec(transceiver) {
    const codec = String(this.client._config.codec || "vp8").toLowerCase();
    try {
      const capabilities = RTCRtpReceiver.getCapabilities("video");
      if (!capabilities || !transceiver.setCodecPreferences) return;
      const wanted = codec === "av1" ? "video/av1" : `video/${codec}`;
      const first = capabilities.codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
      if (!first.length) return;
      transceiver.setCodecPreferences(first.concat(capabilities.codecs.filter((c) => c.mimeType.toLowerCase() !== wanted)));
    } catch (error) {
      // keep the browser's order
    }
  }
  async offer() {
    const pc = this.createConnection();
    this.transceivers.audio = pc.addTransceiver("audio", { direction: "sendrecv" });
    this.transceivers.video = pc.addTransceiver("video", { direction: "sendrecv" });
    this.preferCodec(this.transceivers.video);
    await this.applySenders();
    this.resolveReady();
    await pc.setLocalDescription(await pc.createOffer());
    this.signal({ type: "offer", sdp: pc.localDescription.sdp });
  }
  handle(data) {
    return this.enqueue(async () => {
      if (this.closed) return;
      if (data.type === "offer") {
        const pc = this.pc || this.createConnection();
        await pc.setRemoteDescription({ type: "offer", sdp: data.sdp });
        for (const transceiver of pc.getTransceivers()) {
          const kind = transceiver.receiver.track.kind;
          if (this.transceivers[kind]) continue;
          this.transceivers[kind] = transceiver;
          transceiver.direction = "sendrecv";
          if (kind === "video") this.preferCodec(transceiver);
        }
        await this.applySenders();
        this.resolveReady();
        await pc.setLocalDescription(await pc.createAnswer());
        this.signal({ type: "answer", sdp: pc.localDescription.sdp });
        await this.flushCandidates();
      } else if (data.type === "answer") {
        await this.pc.setRemoteDescription({ type: "answer", sdp: data.sdp });
        await this.flushCandidates();
      } else if (data.type === "candidate") {
        if (this.pc && this.pc.remoteDescription) await this.pc.addIceCandidate(data.candidate);
        else this.candidates.push(data.candidate);
      }
    });
  }
  async flushCandidates() {
    for (const candidate of this.candidates.splice(0)) await this.pc.addIceCandidate(candidate);
  }
  async applySenders() {
    for (const kind of ["audio", "video"]) {
      const transceiver = this.transceivers[kind];
      if (!transceiver || this.closed) continue;
      const track = this.client._senderTrack(kind);
      if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    }
  }
  async receiverTrack(kind) {
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve(null), 10000)));
    const ready = await Promise.race([this.ready.then(() => true), timeout]);
    clearTimeout(timer);
    if (!ready || this.closed || !this.transceivers[kind]) {
      throw new AgoraRTCError("SUBSCRIBE_FAILED", `no media connection to user ${this.uid}`);
    }
    return this.transceivers[kind].receiver.track;
  }
  close() {
    this.closed = true;
    if (this.pc) this.pc.close();
  }
}

// ---- the client ----

const CHANNEL_PATTERN = ID_PATTERN;

class AgoraRTCClient extends EventEmitter {
  constructor(config) {
    super();
    const hidden = {
      _cid: randomId("rtc-"), _config: Object.assign({ mode: "rtc", codec: "vp8" }, config || {}),
      _connectionState: "DISCONNECTED", _uid: undefined, _channelName: undefined, _users: [], _localTracks: [],
      _peers: new Map(), _pendingJoin: null, _qualityTimer: null, _memberReport: null,
      _networkQuality: { uplinkNetworkQuality: 1, downlinkNetworkQuality: 1 }, _role: null,
    };
    for (const [key, value] of Object.entries(hidden)) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: false });
    }
    this._role = this._config.role || (this._config.mode === "live" ? "audience" : "host");
    link.targets.set(this._cid, (message) => this._push(message));
    link.lostHandlers.add(() => {
      if (this._connectionState === "CONNECTED") this._setState("RECONNECTING");
    });
    // Like the real SDK: leave automatically when the page goes away.
    window.addEventListener("pagehide", () => {
      if (this._connectionState !== "DISCONNECTED" || this._pendingJoin) this.leave().catch(() => {});
    });
  }
  get connectionState() { return this._connectionState; }
  get remoteUsers() { return this._users.slice(); }
  get localTracks() { return this._localTracks.slice(); }
  get uid() { return this._uid; }
  get channelName() { return this._channelName; }
  get mode() { return this._config.mode; }
  get role() { return this._role; }
  get localDataChannels() { return []; }

  _record(method, args, uid) {
    link.record("rtc", "client", method, args, { cid: this._cid, uid: uid !== undefined ? uid : (this._uid !== undefined ? this._uid : null) });
  }
  _setState(state, reason) {
    const previous = this._connectionState;
    this._connectionState = state;
    if (reason === undefined) this.emit("connection-state-change", state, previous);
    else this.emit("connection-state-change", state, previous, reason);
  }
  _findUser(uid) {
    return this._users.find((user) => user.uid === uid);
  }
  _senderTrack(kind) {
    const track = this._localTracks.find((t) => t.trackMediaType === kind && t.enabled && t._mediaStreamTrack);
    return track ? track._mediaStreamTrack : null;
  }
  _mediaStates() {
    const on = (kind) => this._localTracks.some((t) => t.trackMediaType === kind && t.enabled && !t.muted);
    return { audio: on("audio"), video: on("video") };
  }
  async _applySenders() {
    await Promise.all(Array.from(this._peers.values()).map((peer) => peer.enqueue(() => peer.applySenders())));
  }
  async _syncMedia(info) {
    await this._applySenders();
    if (this._connectionState !== "CONNECTED") return;
    const message = Object.assign({ op: "rtc.media", cid: this._cid }, this._mediaStates());
    if (info) message.info = info;
    await link.request(message);
  }
  async _localTrackChanged(track, info) {
    await this._syncMedia(info);
  }
  _trackClosed(track) {
    // A closed track stops sending; it stays in localTracks until unpublished, as with the real SDK.
    this._applySenders();
  }

  join(...args) {
    const uid = args[3];
    this._record("join", args, uid === undefined ? null : uid);
    return this._join(...args);
  }
  async _join(appid, channel, token, uid, options) {
    if (!token && token !== null) {
      throw new AgoraRTCError("INVALID_PARAMS", `Invalid token: ${token}. If you don not use token, set it to null`);
    }
    if (token && (typeof token !== "string" || token.length > 2047)) {
      throw new AgoraRTCError("INVALID_PARAMS", "[token]: the length of the token must be between 1 and 2047");
    }
    if (typeof appid !== "string" || appid.length < 1 || appid.length > 2047) {
      throw new AgoraRTCError("INVALID_PARAMS", "[appid]: the length of the appid must be between 1 and 2047");
    }
    if (typeof channel !== "string" || byteLength(channel) < 1 || byteLength(channel) > 64 || !CHANNEL_PATTERN.test(channel)) {
      throw new AgoraRTCError("INVALID_PARAMS", `[channel]: ${channel} is not a valid channel name`);
    }
    checkUid(uid);
    if (options !== undefined && options !== null && typeof options !== "string" && typeof options !== "object") {
      throw new AgoraRTCError("INVALID_PARAMS", "Invalid options: options is not a string or object");
    }
    if (this._connectionState !== "DISCONNECTED") {
      throw new AgoraRTCError("INVALID_OPERATION", `[${this._cid}] Client already in connecting/connected state`);
    }
    this._setState("CONNECTING");
    const attempt = {};
    this._pendingJoin = attempt;
    const aborted = new Promise((resolve, reject) => {
      attempt.abort = () => reject(new AgoraRTCError("OPERATION_ABORTED", "cancel token canceled"));
    });
    let result;
    try {
      result = await Promise.race([
        link.request({ op: "rtc.join", cid: this._cid, appId: appid, channel, token, uid: uid === undefined ? null : uid }),
        aborted,
      ]);
    } catch (error) {
      if (this._pendingJoin === attempt) {
        this._pendingJoin = null;
        this._setState("DISCONNECTED", error.reason || "SERVER_ERROR");
      }
      if (error instanceof AgoraRTCError) throw error;
      throw new AgoraRTCError(error.code || "UNEXPECTED_RESPONSE", error.message || "join failed");
    }
    if (this._pendingJoin !== attempt) throw new AgoraRTCError("OPERATION_ABORTED", "cancel token canceled");
    this._pendingJoin = null;
    this._uid = result.uid;
    this._channelName = channel;
    this._setState("CONNECTED");
    this._qualityTimer = setInterval(() => {
      if (this._connectionState === "CONNECTED") this.emit("network-quality", Object.assign({}, this._networkQuality));
    }, 2000);
    // The SDK reports the users (and their published media) already in the channel after joining, and before
    // what the channel says later: a member's publish or leave that arrives first waits for this report.
    this._memberReport = () => {
      if (this._uid !== result.uid || this._connectionState !== "CONNECTED") return;
      for (const member of result.members) {
        this._userJoined(member.uid, true);
        if (member.audio) this._remoteMedia(member.uid, "audio", true);
        if (member.video) this._remoteMedia(member.uid, "video", true);
      }
    };
    setTimeout(() => this._reportMembers());
    if (this._localTracks.length) this._syncMedia();
    return result.uid;
  }

  leave(...args) {
    this._record("leave", args);
    return this._leave();
  }
  async _leave() {
    if (this._pendingJoin) {
      const attempt = this._pendingJoin;
      this._pendingJoin = null;
      link.send({ t: "msg", op: "rtc.joinAbandoned", cid: this._cid });
      attempt.abort();
      this._setState("DISCONNECTED", "LEAVE");
      return;
    }
    if (this._connectionState === "DISCONNECTED") return;
    this._setState("DISCONNECTING");
    link.send({ t: "msg", op: "rtc.leave", cid: this._cid });
    this._teardown();
    this._setState("DISCONNECTED", "LEAVE");
  }
  _reportMembers() {
    const report = this._memberReport;
    this._memberReport = null;
    if (report) report();
  }
  _teardown() {
    this._memberReport = null;
    clearInterval(this._qualityTimer);
    this._qualityTimer = null;
    for (const peer of this._peers.values()) peer.close();
    this._peers.clear();
    for (const user of this._users) {
      if (user.audioTrack) user.audioTrack._destroy();
      if (user.videoTrack) user.videoTrack._destroy();
    }
    this._users = [];
    for (const track of this._localTracks) track._clients.delete(this);
    this._localTracks = [];
    this._uid = undefined;
    this._channelName = undefined;
  }

  publish(...args) {
    this._record("publish", args);
    return this._publish(args[0]);
  }
  async _publish(tracks) {
    if (this._connectionState !== "CONNECTED") {
      throw new AgoraRTCError("INVALID_OPERATION", this._connectionState === "DISCONNECTED"
        ? "Can't publish stream, haven't joined yet!" : `can not publish when connection state is ${this._connectionState}`);
    }
    if (this._role === "audience") throw new AgoraRTCError("INVALID_OPERATION", "audience can not publish stream");
    const list = Array.isArray(tracks) ? tracks : [tracks];
    for (const track of list) {
      if (!(track instanceof LocalTrack)) throw new AgoraRTCError("INVALID_PARAMS", "parameter is not local track");
      if (!track.enabled) throw new AgoraRTCError("TRACK_IS_DISABLED", `can not publish a disabled track: ${track.getTrackId()}`);
    }
    const videos = new Set(this._localTracks.concat(list).filter((t) => t.trackMediaType === "video"));
    if (videos.size > 1) {
      throw new AgoraRTCError("CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS", "can not publish multiple video tracks");
    }
    for (const track of list) {
      if (this._localTracks.includes(track)) continue;
      this._localTracks.push(track);
      track._clients.add(this);
    }
    await this._syncMedia();
  }

  unpublish(...args) {
    this._record("unpublish", args);
    return this._unpublish(args[0]);
  }
  async _unpublish(tracks) {
    if (this._connectionState === "DISCONNECTED") {
      throw new AgoraRTCError("INVALID_OPERATION", "Can't unpublish stream, haven't joined yet!");
    }
    const list = tracks === undefined ? this._localTracks.slice() : (Array.isArray(tracks) ? tracks : [tracks]);
    for (const track of list) {
      const index = this._localTracks.indexOf(track);
      if (index < 0) continue;
      this._localTracks.splice(index, 1);
      track._clients.delete(this);
    }
    await this._syncMedia();
  }

  subscribe(...args) {
    this._record("subscribe", args);
    return this._subscribe(args[0], args[1]);
  }
  async _subscribe(user, mediaType) {
    if (this._connectionState !== "CONNECTED") {
      throw new AgoraRTCError("INVALID_OPERATION", this._connectionState === "DISCONNECTED"
        ? "Can't subscribe stream, not joined" : `can not subscribe when connection state is ${this._connectionState}`);
    }
    const uid = user && typeof user === "object" ? user.uid : user;
    const remote = this._findUser(uid);
    if (!remote) throw new AgoraRTCError("INVALID_REMOTE_USER", "user is not in the channel");
    if (mediaType !== "audio" && mediaType !== "video") {
      throw new AgoraRTCError("INVALID_PARAMS", `mediaType ${mediaType} is not supported by the stand-in`);
    }
    if (!(mediaType === "audio" ? remote.hasAudio : remote.hasVideo)) {
      throw new AgoraRTCError("INVALID_REMOTE_USER", "user is not published");
    }
    const peer = this._peers.get(uidKey(uid));
    if (!peer) throw new AgoraRTCError("INVALID_REMOTE_USER", "user is not in the channel");
    const mediaStreamTrack = await peer.receiverTrack(mediaType);
    const key = mediaType === "audio" ? "audioTrack" : "videoTrack";
    const existing = remote[key];
    if (existing && !existing._destroyed && existing._mediaStreamTrack === mediaStreamTrack) return existing;
    const track = new RemoteTrack(mediaType, mediaStreamTrack, uid, this);
    remote[key] = track;
    return track;
  }

  unsubscribe(...args) {
    this._record("unsubscribe", args);
    return this._unsubscribe(args[0], args[1]);
  }
  async _unsubscribe(user, mediaType) {
    if (this._connectionState === "DISCONNECTED") {
      throw new AgoraRTCError("INVALID_OPERATION", "Can't unsubscribe stream, haven't joined yet!");
    }
    const uid = user && typeof user === "object" ? user.uid : user;
    const remote = this._findUser(uid);
    if (!remote) throw new AgoraRTCError("INVALID_REMOTE_USER", "user is not in the channel");
    for (const kind of mediaType ? [mediaType] : ["audio", "video"]) {
      const key = kind === "audio" ? "audioTrack" : "videoTrack";
      if (remote[key]) remote[key]._destroy();
      remote[key] = undefined;
    }
  }

  renewToken(...args) {
    this._record("renewToken", args);
    const token = args[0];
    if (this._connectionState === "DISCONNECTED" && !this._pendingJoin) {
      return Promise.reject(new AgoraRTCError("INVALID_OPERATION", "renewToken should not be called before user join"));
    }
    if (typeof token !== "string" || token.length < 1 || token.length > 2047) {
      return Promise.reject(new AgoraRTCError("INVALID_PARAMS", "[token]: the length of the token must be between 1 and 2047"));
    }
    return link.request({ op: "rtc.renewToken", cid: this._cid, token }).then(() => undefined);
  }

  setClientRole(...args) {
    this._record("setClientRole", args);
    this._role = args[0];
    return Promise.resolve();
  }
  enableDualStream(...args) { this._record("enableDualStream", args); return Promise.resolve(); }
  disableDualStream(...args) { this._record("disableDualStream", args); return Promise.resolve(); }
  setLowStreamParameter(...args) { this._record("setLowStreamParameter", args); }
  setRemoteVideoStreamType(...args) { this._record("setRemoteVideoStreamType", args); return Promise.resolve(); }
  setRemoteDefaultVideoStreamType(...args) { this._record("setRemoteDefaultVideoStreamType", args); return Promise.resolve(); }
  setStreamFallbackOption(...args) { this._record("setStreamFallbackOption", args); return Promise.resolve(); }
  setEncryptionConfig(...args) { this._record("setEncryptionConfig", args); }
  enableAudioVolumeIndicator(...args) { this._record("enableAudioVolumeIndicator", args); }
  setProxyServer(...args) { this._record("setProxyServer", args); }
  setTurnServer(...args) { this._record("setTurnServer", args); }
  startProxyServer(...args) { this._record("startProxyServer", args); }
  stopProxyServer(...args) { this._record("stopProxyServer", args); }
  getRTCStats() {
    return { Duration: 0, RecvBitrate: 0, RecvBytes: 0, SendBitrate: 0, SendBytes: 0, UserCount: this._users.length + 1,
      RTT: 0, OutgoingAvailableBandwidth: 0 };
  }
  getNetworkQuality() { return Object.assign({}, this._networkQuality); }
  getRemoteNetworkQuality() {
    const result = {};
    for (const user of this._users) result[user.uid] = { uplinkNetworkQuality: 1, downlinkNetworkQuality: 1 };
    return result;
  }
  getLocalAudioStats() {
    const track = this._localTracks.find((t) => t.trackMediaType === "audio");
    return track ? track.getStats() : {};
  }
  getLocalVideoStats() {
    const track = this._localTracks.find((t) => t.trackMediaType === "video");
    return track ? track.getStats() : {};
  }
  getRemoteAudioStats() {
    const result = {};
    for (const user of this._users) if (user.audioTrack) result[user.uid] = user.audioTrack.getStats();
    return result;
  }
  getRemoteVideoStats() {
    const result = {};
    for (const user of this._users) if (user.videoTrack) result[user.uid] = user.videoTrack.getStats();
    return result;
  }

  _userJoined(uid, offerer) {
    let user = this._findUser(uid);
    if (!user) {
      user = new RemoteUser(uid);
      this._users.push(user);
    }
    const key = uidKey(uid);
    if (!this._peers.has(key)) this._peers.set(key, new Peer(this, uid, offerer));
    this.emit("user-joined", user);
  }
  _remoteMedia(uid, kind, on) {
    const user = this._findUser(uid);
    if (!user) return;
    const flag = kind === "audio" ? "hasAudio" : "hasVideo";
    if (user[flag] === on) return;
    user[flag] = on;
    if (on) {
      this.emit("user-published", user, kind);
      return;
    }
    if (kind === "video" && user.videoTrack) {
      user.videoTrack._destroy();
      user.videoTrack = undefined;
    }
    this.emit("user-unpublished", user, kind);
  }
  _userLeft(uid, reason) {
    const user = this._findUser(uid);
    if (!user) return;
    for (const kind of ["audio", "video"]) {
      const flag = kind === "audio" ? "hasAudio" : "hasVideo";
      if (user[flag]) {
        user[flag] = false;
        this.emit("user-unpublished", user, kind);
      }
    }
    if (user.audioTrack) user.audioTrack._destroy();
    if (user.videoTrack) user.videoTrack._destroy();
    user.audioTrack = undefined;
    user.videoTrack = undefined;
    this._users = this._users.filter((u) => u !== user);
    const peer = this._peers.get(uidKey(uid));
    if (peer) peer.close();
    this._peers.delete(uidKey(uid));
    this.emit("user-left", user, reason);
  }
  _inject(name, args) {
    if (name === "connection-state-change") {
      const [current] = args;
      const wasIn = this._connectionState !== "DISCONNECTED";
      this._connectionState = current;
      if (current === "DISCONNECTED" && wasIn) {
        link.send({ t: "msg", op: "rtc.dropped", cid: this._cid });
        this._teardown();
      }
    } else if (name === "network-quality" && args[0]) {
      this._networkQuality = Object.assign({}, args[0]);
    }
    this.emit(name, ...args);
  }
  _push(message) {
    this._reportMembers();
    switch (message.op) {
      case "rtc.userJoined":
        this._userJoined(message.uid, false);
        break;
      case "rtc.userLeft":
        this._userLeft(message.uid, message.reason);
        break;
      case "rtc.media":
        this._remoteMedia(message.uid, message.kind, message.on);
        break;
      case "rtc.info":
        this.emit("user-info-updated", message.uid, message.msg);
        break;
      case "rtc.signal": {
        let peer = this._peers.get(uidKey(message.from));
        if (!peer) {
          peer = new Peer(this, message.from, false);
          this._peers.set(uidKey(message.from), peer);
        }
        peer.handle(message.data);
        break;
      }
      case "rtc.kicked":
        if (this._connectionState === "DISCONNECTED") break;
        this._teardown();
        this._setState("DISCONNECTED", message.reason);
        break;
      case "rtc.inject":
        this._inject(message.name, message.args || []);
        break;
      default:
        break;
    }
  }
}

// ---- the AgoraRTC entry point ----

function recordTop(method, args) {
  link.record("rtc", "AgoraRTC", method, args, { uid: null });
}

class AgoraRTCEntry extends EventEmitter {
  constructor() {
    super();
    this.VERSION = VERSION;
    this.BUILD = "v4.24.2-fake-agora-stand-in";
    this.onCameraChanged = undefined;
    this.onMicrophoneChanged = undefined;
    this.onPlaybackDeviceChanged = undefined;
    this.onAudioAutoplayFailed = undefined;
    this.onAutoplayFailed = undefined;
    this.onSecurityPolicyViolation = undefined;
    this.onAudioContextStateChanged = undefined;
  }
  createClient(...args) {
    recordTop("createClient", args);
    const config = args[0];
    if (!config || typeof config !== "object") throw new AgoraRTCError("INVALID_PARAMS", "config should be an object");
    if (config.mode !== undefined && !["rtc", "live", "p2p"].includes(config.mode)) {
      throw new AgoraRTCError("INVALID_PARAMS", `[mode]: ${config.mode} is not a valid channel profile`);
    }
    if (config.codec !== undefined && !["vp8", "vp9", "h264", "h265", "av1"].includes(config.codec)) {
      throw new AgoraRTCError("INVALID_PARAMS", `[codec]: ${config.codec} is not a valid codec`);
    }
    return new AgoraRTCClient(config);
  }
  async createMicrophoneAudioTrack(...args) {
    recordTop("createMicrophoneAudioTrack", args);
    const constraints = audioConstraints(args[0]);
    const stream = await getUserMedia({ audio: constraints });
    return new MicrophoneAudioTrack(stream.getAudioTracks()[0], constraints);
  }
  async createCameraVideoTrack(...args) {
    recordTop("createCameraVideoTrack", args);
    const constraints = videoConstraints(args[0]);
    const stream = await getUserMedia({ video: constraints });
    return new CameraVideoTrack(stream.getVideoTracks()[0], constraints);
  }
  async createMicrophoneAndCameraTracks(...args) {
    recordTop("createMicrophoneAndCameraTracks", args);
    const audio = audioConstraints(args[0]);
    const video = videoConstraints(args[1]);
    const stream = await getUserMedia({ audio, video });
    return [new MicrophoneAudioTrack(stream.getAudioTracks()[0], audio), new CameraVideoTrack(stream.getVideoTracks()[0], video)];
  }
  createCustomAudioTrack(...args) {
    recordTop("createCustomAudioTrack", args);
    const config = args[0] || {};
    if (!(config.mediaStreamTrack instanceof MediaStreamTrack)) throw new AgoraRTCError("INVALID_PARAMS", "mediaStreamTrack is required");
    return new LocalAudioTrack(config.mediaStreamTrack, { prefix: "track-" });
  }
  createCustomVideoTrack(...args) {
    recordTop("createCustomVideoTrack", args);
    const config = args[0] || {};
    if (!(config.mediaStreamTrack instanceof MediaStreamTrack)) throw new AgoraRTCError("INVALID_PARAMS", "mediaStreamTrack is required");
    return new LocalVideoTrack(config.mediaStreamTrack, { prefix: "track-" });
  }
  async createScreenVideoTrack(...args) {
    recordTop("createScreenVideoTrack", args);
    const [config, withAudio] = args;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      throw new AgoraRTCError("NOT_SUPPORTED", "getDisplayMedia is not supported");
    }
    const wantAudio = withAudio === "enable" || withAudio === "auto" || (withAudio && typeof withAudio === "object");
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: videoConstraints({ encoderConfig: (config || {}).encoderConfig || "1080p_2" }), audio: wantAudio });
    } catch (error) {
      throw mediaError(error);
    }
    const video = new LocalVideoTrack(stream.getVideoTracks()[0], { prefix: "track-scr-v-" });
    const audioTrack = stream.getAudioTracks()[0];
    if (withAudio === "enable" && !audioTrack) {
      video.close();
      throw new AgoraRTCError("SHARE_AUDIO_NOT_ALLOWED", "audio was not shared");
    }
    if (audioTrack && withAudio !== "disable") return [video, new LocalAudioTrack(audioTrack, { prefix: "track-scr-a-" })];
    return video;
  }
  getDevices(...args) {
    recordTop("getDevices", args);
    return enumerate(["audioinput", "videoinput", "audiooutput"], args[0]);
  }
  getCameras(...args) {
    recordTop("getCameras", args);
    return enumerate(["videoinput"], args[0]);
  }
  getMicrophones(...args) {
    recordTop("getMicrophones", args);
    return enumerate(["audioinput"], args[0]);
  }
  getPlaybackDevices(...args) {
    recordTop("getPlaybackDevices", args);
    return enumerate(["audiooutput"], args[0]);
  }
  setLogLevel(...args) { recordTop("setLogLevel", args); }
  enableLogUpload(...args) { recordTop("enableLogUpload", args); }
  disableLogUpload(...args) { recordTop("disableLogUpload", args); }
  setArea(...args) { recordTop("setArea", args); }
  setParameter(...args) { recordTop("setParameter", args); }
  setAppType(...args) { recordTop("setAppType", args); }
  // A best-effort speed-up of a later join with the same arguments; nothing to speed up against the fake cloud.
  preload(...args) {
    recordTop("preload", args);
    return Promise.resolve();
  }
  resumeAudioContext(...args) {
    recordTop("resumeAudioContext", args);
    if (audioContext) audioContext.resume();
  }
  checkSystemRequirements() {
    return typeof RTCPeerConnection !== "undefined" && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }
  async getSupportedCodec() {
    const names = (kind) => {
      try {
        return Array.from(new Set(RTCRtpSender.getCapabilities(kind).codecs.map((c) => c.mimeType.split("/")[1].toUpperCase())));
      } catch (error) {
        return [];
      }
    };
    return { video: names("video").filter((n) => ["VP8", "VP9", "H264", "AV1"].includes(n)), audio: names("audio").filter((n) => n === "OPUS") };
  }
  async checkVideoTrackIsActive(track) {
    const mediaStreamTrack = track && track.getMediaStreamTrack();
    return !!mediaStreamTrack && mediaStreamTrack.readyState === "live" && mediaStreamTrack.enabled && !mediaStreamTrack.muted;
  }
  async checkAudioTrackIsActive(track) {
    const mediaStreamTrack = track && track.getMediaStreamTrack();
    return !!mediaStreamTrack && mediaStreamTrack.readyState === "live" && mediaStreamTrack.enabled && !mediaStreamTrack.muted;
  }
}

const AgoraRTC = new AgoraRTCEntry();
Object.defineProperty(AgoraRTC, "__fakeAgoraStandIn", { value: true });
if (typeof window !== "undefined") window.__ARTC__ = AgoraRTC;

export default AgoraRTC;
