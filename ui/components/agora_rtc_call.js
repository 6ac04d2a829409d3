// Agora RTC (agora-rtc-sdk-ng 4.x) media for one call: join the call's channel with a token minted by the
// server, publish camera and microphone, play the peer. SDK events go to Python, which decides what they
// mean for the call. The SDK is a self-contained ES module loaded from the configured base URL.
const JOIN_TIMEOUT_MS = 15000; // join() never settles when Agora is unreachable
const MEDIA_ERRORS = {
  PERMISSION_DENIED: "permission to use the camera or microphone was denied",
  DEVICE_NOT_FOUND: "no camera or microphone was found",
  NOT_READABLE: "the camera or microphone is busy in another program",
  MEDIA_OPTION_INVALID: "the camera or microphone does not support the requested settings",
};

export default {
  template: `<span style="display:none"></span>`,
  props: { sdkUrl: String, localVideo: String, remoteVideo: String },
  mounted() {
    this.closed = false;
    this.tracks = [];
    this.$emit("ready");
  },
  unmounted() {
    this.stop();
  },
  methods: {
    async join(appId, channel, token, uid) {
      let AgoraRTC;
      try {
        AgoraRTC = (await import(this.sdkUrl)).default;
      } catch (error) {
        return this.$emit("connect-failed", { reason: `could not load the Agora video SDK (${error.message})` });
      }
      AgoraRTC.setLogLevel(3);
      if (AgoraRTC.disableLogUpload) AgoraRTC.disableLogUpload();
      this.sdk = AgoraRTC;
      const client = (this.client = AgoraRTC.createClient({ mode: "rtc", codec: "vp8" }));
      client.on("user-published", async (user, mediaType) => {
        const track = await client.subscribe(user, mediaType);
        if (mediaType === "video") track.play(document.getElementById(this.remoteVideo));
        else track.play();
        this.$emit("peer-media", { kind: mediaType, on: true });
        this.$emit("connected");
      });
      client.on("user-unpublished", (user, mediaType) => this.$emit("peer-media", { kind: mediaType, on: false }));
      client.on("user-joined", () => this.$emit("connected"));
      client.on("user-left", (user, reason) => this.$emit("peer-left", { reason }));
      client.on("connection-state-change", (state, previous, reason) => {
        if (state === "RECONNECTING") this.$emit("lost", { reason: reason || "" });
        else if (state === "CONNECTED" && previous === "RECONNECTING" && client.remoteUsers.length) this.$emit("connected");
        else if (state === "DISCONNECTED" && reason && reason !== "LEAVE") this.$emit("connect-failed", { reason });
      });
      client.on("token-privilege-will-expire", () => this.$emit("token-will-expire"));
      client.on("token-privilege-did-expire", () => this.$emit("token-will-expire"));
      client.on("network-quality", (quality) => this.$emit("quality", {
        up: quality.uplinkNetworkQuality, down: quality.downlinkNetworkQuality,
      }));

      try {
        this.tracks = await AgoraRTC.createMicrophoneAndCameraTracks();
      } catch (error) {
        return this.$emit("failed", { reason: MEDIA_ERRORS[error.code] || error.message || String(error) });
      }
      if (this.closed) return this.releaseTracks();
      this.tracks[1].play(document.getElementById(this.localVideo));

      let timer;
      const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), JOIN_TIMEOUT_MS)));
      let outcome;
      try {
        outcome = await Promise.race([client.join(appId, channel, token, uid), timeout]);
      } catch (error) {
        outcome = error;
      } finally {
        clearTimeout(timer);
      }
      if (this.closed) return;
      if (outcome === "timeout" || outcome instanceof Error || (outcome && outcome.code)) {
        // Leaving cancels the pending join, which then rejects with OPERATION_ABORTED: expected, ignored.
        client.leave().catch(() => {});
        const detail = outcome === "timeout" ? "no answer within 15 s" : outcome.code || outcome.message;
        return this.$emit("connect-failed", { reason: `Cannot reach the video service (${detail})` });
      }
      try {
        await client.publish(this.tracks);
      } catch (error) {
        return this.$emit("connect-failed", { reason: `Cannot publish to the video service (${error.code || error.message})` });
      }
      if (client.remoteUsers.length) this.$emit("connected");
    },
    setTrackEnabled(kind, enabled) {
      const track = this.tracks[kind === "audio" ? 0 : 1];
      if (track) track.setMuted(!enabled); // the peer sees user-unpublished, which is not a hang-up
    },
    async renewToken(token) {
      if (this.client) await this.client.renewToken(token);
    },
    async listDevices() {
      const devices = this.sdk ? await this.sdk.getDevices() : [];
      const [audio, video] = this.tracks.map((track) => track.getMediaStreamTrack().getSettings().deviceId);
      return {
        devices: devices.map((device) => ({ kind: device.kind, id: device.deviceId, label: device.label })),
        current: { audio, video },
      };
    },
    async useDevice(kind, deviceId) {
      const track = this.tracks[kind === "audio" ? 0 : 1];
      if (track) await track.setDevice(deviceId);
    },
    releaseTracks() {
      for (const track of this.tracks) { track.stop(); track.close(); }
      this.tracks = [];
    },
    stop() {
      this.closed = true;
      this.releaseTracks();
      if (this.client) this.client.leave().catch(() => {});
      this.client = null;
    },
  },
};
