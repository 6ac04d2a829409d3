// Agora RTC (agora-rtc-sdk-ng 4.x) media for one call: join the call's channel with a token minted by the
// server, publish camera and microphone, play the peer. SDK events go to Python, which decides what they
// mean for the call. The SDK is a self-contained ES module loaded from the configured base URL.
// With instant answer the caller joins and publishes while it rings, and the ringing callee joins without
// publishing (the caller's tracks are subscribed but played nowhere), then publishes at the accept; a ringing tab
// that may not join yet (Agora takes one session per user in a channel) only preloads the channel and joins at
// the accept. The reveal happens here, in the browser: the callee's accept click calls reveal() (the caller plays
// at once in the ringing card, and the camera and microphone are published), and the calling tab reveals the callee
// as soon as the callee publishes (which it does only at the accept). The SDK's player moves from the card's
// element into the call stage's, playing on; if the server refuses the accept, Python deletes this component.
// A voice call (`videoCall` false) creates only a microphone track; turning the camera on during the call creates
// and publishes the camera track then.
// A shared screen is a second client in the channel with a uid of its own (the SDK publishes one video track per
// client, and the sharer's camera stays on): the peer plays it large; the camera client ignores its own.
const JOIN_TIMEOUT_MS = 15000; // join() never settles when Agora is unreachable
// The peer's user-left counts only if they do not join again meanwhile: the callee's tab that joined while it rang
// leaves when another of their tabs answered, which joins as the same user.
const LEFT_GRACE_MS = 5000;
const MEDIA_ERRORS = {
  PERMISSION_DENIED: "permission to use the camera or microphone was denied",
  DEVICE_NOT_FOUND: "no camera or microphone was found",
  NOT_READABLE: "the camera or microphone is busy in another program",
  MEDIA_OPTION_INVALID: "the camera or microphone does not support the requested settings",
};

export default {
  template: `<span style="display:none"></span>`,
  props: { sdkUrl: String, videoCall: Boolean, localVideo: String, remoteVideo: String, screenVideo: String,
           screenUid: [String, Number], peerScreenUid: [String, Number],
           joinNow: Boolean, // false: only preload the channel, and join once the server confirms this tab answered
           revealAt: String }, // "": the peer shows at once; "accept": at reveal(); "first-media": when it arrives
  watch: {
    localVideo: { handler: "play", flush: "post" }, // after the new elements are in the page
    remoteVideo: { handler: "play", flush: "post" },
  },
  mounted() {
    this.closed = false;
    this.tracks = [];
    this.remoteTracks = {};
    this.publishWanted = false;
    this.joinWaits = !this.joinNow;
    this.revealed = !this.revealAt;
    this.videoWanted = this.videoCall;
    this.$emit("ready");
  },
  unmounted() {
    this.stop();
  },
  methods: {
    async join(appId, channel, token, uid, publish) {
      let AgoraRTC;
      try {
        AgoraRTC = (await import(this.sdkUrl)).default;
      } catch (error) {
        return this.$emit("connect-failed", { reason: `could not load the Agora video SDK (${error.message})` });
      }
      if (this.closed) return; // the call ended here while the SDK loaded
      AgoraRTC.setLogLevel(3);
      if (AgoraRTC.disableLogUpload) AgoraRTC.disableLogUpload();
      this.sdk = AgoraRTC;
      this.publishWanted = this.publishWanted || publish;
      if (this.joinWaits) {
        this.pendingJoin = [appId, channel, token, uid];
        if (AgoraRTC.preload) AgoraRTC.preload(appId, channel, token, uid).catch(() => {}); // best effort
        if (this.publishWanted) this.publish(); // confirmed already: joins now
        return;
      }
      const client = (this.client = AgoraRTC.createClient({ mode: "rtc", codec: "vp8" }));
      client.on("user-published", async (user, mediaType) => {
        if (user.uid === this.peerScreenUid && mediaType === "video") {
          const screen = await client.subscribe(user, mediaType);
          return screen.play(document.getElementById(this.screenVideo), { fit: "contain" });
        }
        if (this.isScreen(user)) return;
        this.remoteTracks[mediaType] = await client.subscribe(user, mediaType);
        if (this.revealAt === "first-media" && !this.revealed) this.reveal(); // the callee published: accepted
        else this.play();
        this.$emit("peer-media", { kind: mediaType, on: true });
        this.$emit("connected");
      });
      // Whose screen is shown is Python's (the registry's) to say: a screen client coming and going is no news.
      client.on("user-unpublished", (user, mediaType) => {
        if (!this.isScreen(user)) this.$emit("peer-media", { kind: mediaType, on: false });
      });
      client.on("user-joined", (user) => {
        if (this.isScreen(user)) return;
        clearTimeout(this.leaving);
        this.$emit("connected");
      });
      client.on("user-left", (user, reason) => {
        if (this.isScreen(user)) return;
        clearTimeout(this.leaving);
        this.leaving = setTimeout(() => this.$emit("peer-left", { reason }), LEFT_GRACE_MS);
      });
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

      if (this.publishWanted && !(await this.createTracks())) return;

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
      this.joined = true;
      if (this.publishWanted) await this.publish(); // also when the accept came while joining
      if (client.remoteUsers.length) this.$emit("connected");
    },
    reveal(confirmed = false) {
      // The accept (its click on this tab, the peer's first track on the calling tab, or the server's answer,
      // `confirmed`): the peer plays, and a callee joined while it rang publishes. A tab that only preloaded joins
      // once the server confirms this tab answered: joining as the same user pushes out the session of another
      // tab, which may have been the one to answer first.
      this.revealed = true;
      this.play();
      if (confirmed || !this.joinWaits) this.publish();
    },
    async publish() {
      // The accept: camera and microphone now. Before the join is done, join() publishes once it is (opening
      // them first if they are not open yet).
      this.publishWanted = true;
      if (this.joinWaits) { // confirmed: a tab that only preloaded joins now, or as soon as join() brings the token
        if (!this.pendingJoin) return;
        const args = this.pendingJoin;
        this.pendingJoin = null;
        this.joinWaits = false;
        return this.join(...args, true);
      }
      if (!this.joined || this.publishing) return;
      this.publishing = true; // once: reveal() comes at the click and again with the server's answer
      if (this.tracks.length || await this.createTracks()) await this.publishTracks();
    },
    async createTracks() {
      try {
        this.tracks = this.videoWanted ? await this.sdk.createMicrophoneAndCameraTracks()
          : [await this.sdk.createMicrophoneAudioTrack()]; // [microphone, camera]: no camera in a voice call yet
      } catch (error) {
        this.$emit("failed", { reason: MEDIA_ERRORS[error.code] || error.message || String(error) });
        return false;
      }
      if (this.closed) {
        this.releaseTracks();
        return false;
      }
      this.play();
      return true;
    },
    async publishTracks() {
      try {
        await this.client.publish(this.tracks);
      } catch (error) {
        // Left meanwhile: the call ended (its reason is the server's), or the connection dropped, which
        // connection-state-change reports. Either way not a publishing failure of this call.
        if (this.closed || this.client?.connectionState !== "CONNECTED") return;
        return this.$emit("connect-failed", {
          reason: `Cannot publish to the video service (${error.code || error.message})` });
      }
      this.published = true;
      if (this.videoWanted && !this.tracks[1]) this.addCamera(); // turned on while joining
    },
    async addCamera() {
      // A voice call turned into video: the camera track is created and published now; the peer gets
      // user-published for it.
      if (this.addingCamera) return;
      this.addingCamera = true;
      let track;
      try {
        track = await this.sdk.createCameraVideoTrack();
      } catch (error) {
        this.addingCamera = false;
        return this.$emit("camera-failed", { reason: MEDIA_ERRORS[error.code] || error.message || String(error) });
      }
      if (this.closed || !this.client) return track.close();
      this.tracks[1] = track;
      this.play();
      try {
        await this.client.publish(track);
      } catch (error) {
        console.warn("could not publish the camera", error);
      }
    },
    play() {
      // Each track into its element once there is one: nothing of the peer plays before the accept.
      const local = this.localVideo && document.getElementById(this.localVideo);
      if (local && this.tracks[1] && !this.tracks[1].isPlaying) this.tracks[1].play(local);
      const remote = this.remoteVideo && document.getElementById(this.remoteVideo);
      if (!remote || !this.revealed) return;
      const { video, audio } = this.remoteTracks;
      if (video && video.isPlaying && this.remoteHolder && this.remoteHolder !== remote) {
        // From the ringing card into the call stage: the SDK's player moves, playing on (a new play() would
        // start it afresh, black until its next frame).
        remote.append(...this.remoteHolder.childNodes);
        for (const element of remote.querySelectorAll("video")) element.play().catch(() => {});
      }
      if (video && !video.isPlaying) video.play(remote);
      if (video) this.remoteHolder = remote;
      if (audio && !audio.isPlaying) audio.play();
    },
    isScreen(user) {
      return user.uid === this.peerScreenUid || user.uid === this.screenUid;
    },
    toggleScreen() { // at the click on the share button: the picker needs the click's user gesture
      if (!this.screen) return this.pickScreen();
      this.stopScreen();
      this.$emit("screen", { what: "stopped" });
    },
    async pickScreen() {
      if (!this.sdk || !this.client) return this.$emit("screen", { what: "failed", reason: "the call is not connected yet" });
      const screen = (this.screen = { track: null, client: null });
      try {
        screen.track = await this.sdk.createScreenVideoTrack({ encoderConfig: "1080p_1", optimizationMode: "detail" },
                                                              "disable");
      } catch (error) {
        if (this.screen !== screen) return;
        this.screen = null;
        // Closing the browser's picker is a choice, not a failure.
        return this.$emit("screen", error.code === "PERMISSION_DENIED" ? { what: "refused" }
          : { what: "failed", reason: error.code || error.message });
      }
      if (this.screen !== screen) return screen.track.close(); // stopped (or the call ended) while the picker was open
      screen.track.on("track-ended", () => { // the browser's own "Stop sharing"
        if (this.screen !== screen) return;
        this.stopScreen();
        this.$emit("screen", { what: "ended" });
      });
      this.$emit("screen-picked"); // Python answers with publishScreen() and the screen client's token
    },
    async publishScreen(appId, channel, token, uid) {
      const screen = this.screen;
      if (!screen || screen.client) return;
      screen.client = this.sdk.createClient({ mode: "rtc", codec: "vp8" });
      screen.client.on("token-privilege-will-expire", () => this.$emit("screen-token-will-expire"));
      let timer;
      const timeout = new Promise((resolve, reject) => (timer = setTimeout(() => reject(new Error("no answer within 15 s")), JOIN_TIMEOUT_MS)));
      try {
        await Promise.race([screen.client.join(appId, channel, token, uid), timeout]);
        await screen.client.publish(screen.track);
      } catch (error) {
        if (this.screen !== screen) return;
        this.stopScreen();
        return this.$emit("screen", { what: "failed", reason: error.code || error.message });
      } finally {
        clearTimeout(timer);
      }
      if (this.screen === screen) this.$emit("screen", { what: "started" });
    },
    stopScreen() {
      const screen = this.screen;
      this.screen = null;
      if (!screen) return;
      if (screen.track) screen.track.close();
      if (screen.client) screen.client.leave().catch(() => {});
    },
    async renewScreenToken(token) {
      if (this.screen && this.screen.client) await this.screen.client.renewToken(token);
    },
    setTrackEnabled(kind, enabled) {
      if (kind === "video") this.videoWanted = this.videoWanted || enabled;
      const track = this.tracks[kind === "audio" ? 0 : 1];
      if (track) track.setMuted(!enabled); // the peer sees user-unpublished, which is not a hang-up
      else if (kind === "video" && enabled && this.published) this.addCamera();
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
      clearTimeout(this.leaving);
      this.stopScreen();
      this.releaseTracks();
      if (this.client) this.client.leave().catch(() => {});
      this.client = null;
    },
  },
};
