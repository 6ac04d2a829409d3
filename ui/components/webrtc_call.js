// The browser half of an embedded-mode call: camera and microphone, one RTCPeerConnection, and the
// "perfect negotiation" pattern (the callee is polite) so later offers crossing each other never deadlock.
// Signals travel through Python, which checks that they belong to this call; every decision about the
// call stays there. This component only reports what the browser sees.
// The caller's component starts while the call rings (its camera shows in the ringing panel); its offer waits
// in Python until Python knows the callee's tab to send it to: the answering tab, or (instant answer) each ringing
// tab, which then connects at once without a camera: the caller's media arrives but is not shown, and the callee's
// transceivers are ready to send with no track in them, so nothing of the callee leaves before the accept.
// The reveal happens here, in the browser, not after the server's answer: the callee's accept click calls
// reveal() (the caller's media plays at once, the camera opens into those transceivers: replaceTrack, no
// renegotiation), and the calling tab reveals the callee when the callee's first media arrives (nothing of the
// callee is sent before the accept, so that is the accept). The peer's camera and microphone play in a <video> of
// this component's own (`remoteVideo` is the id of the element that holds it: the ringing card's, then the call
// stage's), moved from one to the other, so the call view adopts it playing. If the server refuses the accept,
// Python deletes this component: the camera stops and the video goes with it.
// A shared screen is a third track, added to the connection on its first share (a renegotiation, which perfect
// negotiation carries either way) and swapped in and out with replaceTrack afterwards; its stream's id goes to the
// peer first, so the peer's browser knows that track from the camera's.
// Python starts it with the peer connection's configuration (ICE servers with TURN credentials minted for this
// call, the transport policy) once it is mounted, and gets its connection's numbers every 2 s.
// A voice call (`videoCall` false) asks the browser for the microphone only; turning the camera on during the call
// adds its track to the connection (into a transceiver ready for it, or renegotiated), and the peer's arrives so.
const CAMERA = { width: 640, height: 360 };
const FIRST_FRAME_WAIT_MS = 150; // the longest the accept click waits for the peer's first frame
const REASONS = {
  NotAllowedError: "permission to use the camera or microphone was denied",
  SecurityError: "permission to use the camera or microphone was denied",
  NotFoundError: "no camera or microphone was found",
  OverconstrainedError: "the chosen camera or microphone is not available",
  NotReadableError: "the camera or microphone is busy in another program",
  AbortError: "the camera or microphone could not be started",
};

export default {
  template: `<span style="display:none"></span>`,
  props: { polite: Boolean, videoCall: Boolean, localVideo: String, remoteVideo: String, screenVideo: String,
           revealAt: String }, // "": the peer shows at once; "accept": at reveal(); "first-media": when it arrives
  watch: {
    localVideo: { handler: "attach", flush: "post" }, // after the new video elements are in the page
    remoteVideo: { handler: "attach", flush: "post" },
    screenVideo: { handler: "attach", flush: "post" },
  },
  mounted() {
    this.inbox = [];
    this.closed = false;
    this.cameraWanted = false;
    this.revealed = !this.revealAt;
    this.videoWanted = this.videoCall; // a voice call's camera may be turned on before the microphone is open
    this.$emit("ready"); // Python answers with start(); signals may come now: they wait for the peer connection
  },
  unmounted() {
    this.stop();
  },
  methods: {
    async start(configuration, camera = true) {
      if ((camera || this.cameraWanted) && !(await this.takeCamera())) return;
      const pc = (this.pc = new RTCPeerConnection(configuration));
      this.makingOffer = false;
      this.ignoreOffer = false;
      pc.onnegotiationneeded = async () => {
        // The caller offers first and the callee answers. When both offered at once, the callee's rollback of
        // an offer still being set left its ICE dead in Chromium now and then (no candidates, no checks).
        if (this.polite && !pc.remoteDescription) return;
        try {
          this.makingOffer = true;
          await pc.setLocalDescription();
          this.$emit("signal", { description: pc.localDescription.toJSON() });
        } catch (error) {
          console.warn("negotiation failed", error);
        } finally {
          this.makingOffer = false;
        }
      };
      // A TURN server that refuses the credentials (401), or cannot be reached, leaves a relay-only connection
      // without a single candidate: say so at once rather than wait out the connect timeout.
      this.gathered = 0;
      this.refusals = new Set();
      pc.onicecandidate = ({ candidate }) => {
        if (!candidate) return;
        this.gathered += 1;
        this.$emit("signal", { candidate: candidate.toJSON() });
      };
      pc.onicecandidateerror = ({ errorCode, url }) => {
        if (url && url.startsWith("turn")) this.refusals.add(errorCode);
      };
      pc.onicegatheringstatechange = () => {
        if (pc.iceGatheringState === "gathering") this.gathered = 0;
        if (pc.iceGatheringState === "complete" && this.gathered === 0 && !this.closed) {
          this.$emit("connect-failed", { reason: this.refusals.has(401)
            ? "the relay (TURN server) refused its credentials"
            : "no network path was found (the relay, TURN server, could not be reached)" });
        }
        // An offer still unanswered (the caller's, while it rings) now lists every candidate: the one signal the
        // callee needs. Python keeps it instead of the offer and candidates it holds, and drops it otherwise.
        if (pc.iceGatheringState === "complete" && pc.signalingState === "have-local-offer") {
          this.$emit("signal", { description: pc.localDescription.toJSON(), complete: true });
        }
      };
      pc.ontrack = ({ track, streams }) => {
        if (streams[0] && streams[0].id === this.peerScreenId) {
          this.remoteScreen = streams[0];
          return this.attach();
        }
        // A track the callee sends only from the accept on (its sender had no track) comes without a stream.
        this.remoteStream = streams[0] || this.remoteStream || new MediaStream();
        if (!streams[0]) this.remoteStream.addTrack(track);
        this.attach(true); // the peer's camera may join a stream already playing its microphone
        if (this.revealAt === "first-media") {
          if (track.muted) track.addEventListener("unmute", () => this.reveal(), { once: true });
          else this.reveal();
        }
      };
      pc.onconnectionstatechange = () => this.connectionChanged(pc.connectionState);
      if (this.stream) for (const track of this.stream.getTracks()) pc.addTrack(track, this.stream);
      // Insurance until connected: the caller's offer got no answer, or ICE checks never succeed: the impolite
      // side offers again or restarts ICE.
      this.kickTimer = setInterval(() => {
        if (this.polite || this.pc !== pc || pc.signalingState !== "stable") return;
        if (pc.connectionState === "new") pc.onnegotiationneeded();
        else if (pc.connectionState === "connecting") pc.restartIce();
      }, 5000);
      for (const signal of this.inbox.splice(0)) this.applySignal(signal);
    },
    async takeCamera() {
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: this.videoWanted && CAMERA });
      } catch (error) {
        if (!this.closed) this.$emit("failed", { reason: REASONS[error.name] || error.message || String(error) });
        return false;
      }
      if (this.closed) {
        this.releaseMedia();
        return false;
      }
      this.attach();
      return true;
    },
    reveal() {
      // The accept (its click on this tab, the peer's first media on the calling tab, or the server's answer):
      // the peer plays, and a callee connected while it rang opens its camera. Resolves once the peer's first
      // frame is on screen (see firstFrame).
      this.revealed = true;
      this.attach();
      this.openCamera();
      return this.firstFrame();
    },
    firstFrame() {
      // The accept click tells the server only after this: the call view it then builds on this page would
      // otherwise land while that frame is due and hold it back (bench/README.md, instant answer). Nothing to wait
      // for without a connected video of the peer; never longer than FIRST_FRAME_WAIT_MS.
      const video = this.remoteView;
      const stream = this.remoteStream;
      if (!video || !stream || !stream.getVideoTracks().length || !video.requestVideoFrameCallback
          || video.readyState >= video.HAVE_CURRENT_DATA) return Promise.resolve();
      return new Promise((resolve) => {
        video.requestVideoFrameCallback(() => resolve());
        setTimeout(resolve, FIRST_FRAME_WAIT_MS);
      });
    },
    async openCamera() {
      // The accept of a call connected while it rang: the camera goes into the transceivers the answer made ready.
      this.cameraWanted = true;
      if (this.stream || this.opening || !this.pc) return; // no connection yet: start() opens it
      this.opening = true; // once: reveal() comes at the click and again with the server's answer
      if (!(await this.takeCamera())) return;
      for (const track of this.stream.getTracks()) await this.send(track);
    },
    async send(track) {
      // Into a transceiver ready to send with nothing in it (no renegotiation), or a new one: the negotiation
      // above offers it (before the first offer came, the offer is matched to it).
      const pc = this.pc;
      const ready = pc.getTransceivers().find((transceiver) => !transceiver.stopped && !transceiver.sender.track
        && transceiver.receiver.track.kind === track.kind && transceiver.direction === "sendrecv"
        && transceiver.sender !== this.screenSender); // (a stopped share's, kept for the next one)
      if (ready) await ready.sender.replaceTrack(track);
      else pc.addTrack(track, this.stream);
    },
    async addCamera() {
      // A voice call turned into video: the first camera of this call, sent to the peer.
      if (this.addingCamera) return;
      this.addingCamera = true;
      let track;
      try {
        [track] = (await navigator.mediaDevices.getUserMedia({ video: CAMERA })).getVideoTracks();
      } catch (error) {
        this.addingCamera = false;
        return this.$emit("camera-failed", { reason: REASONS[error.name] || error.message || String(error) });
      }
      if (this.closed || !this.pc || !this.stream) return track.stop();
      this.stream.addTrack(track);
      await this.send(track);
      this.attach(true);
    },
    attach(fresh = false) {
      // `fresh`: a stream gained a track: set it again, or the video element keeps playing only what it had.
      const peer = this.revealed && this.remoteStream ? this.peerVideo() : null;
      for (const [video, stream] of [[this.element(this.localVideo), this.stream], [peer, this.remoteStream],
                                     [this.element(this.screenVideo), this.remoteScreen]]) {
        if (!video || !stream) continue;
        if (fresh && video.srcObject === stream) video.srcObject = null;
        if (video.srcObject !== stream) video.srcObject = stream;
      }
      const holder = this.element(this.remoteVideo);
      if (peer && holder && peer.parentNode !== holder) {
        holder.appendChild(peer); // moved, not made anew: no black frame, no waiting for the next one
        peer.play().catch(() => {}); // a video taken out of the page (with the ringing card) was paused
      }
    },
    peerVideo() {
      if (!this.remoteView) {
        const video = (this.remoteView = document.createElement("video"));
        video.autoplay = video.playsInline = true;
        video.dataset.testid = "remote-video";
        video.style.cssText = "width: 100%; height: 100%; display: block";
      }
      return this.remoteView;
    },
    connectionChanged(state) {
      this.$emit("state", { state });
      if (state === "connected") {
        clearInterval(this.kickTimer);
        clearTimeout(this.restartTimer);
        this.statsTimer = this.statsTimer || setInterval(() => this.reportStats(), 2000);
        this.$emit("connected");
      } else if (state === "disconnected" || state === "failed") {
        this.$emit("lost", { state });
        // One side restarts ICE (the impolite one), so both do not race to renegotiate.
        if (!this.polite) {
          clearTimeout(this.restartTimer);
          this.restartTimer = setTimeout(() => this.pc && this.pc.restartIce(), state === "failed" ? 0 : 2000);
        }
      }
    },
    applySignal(signal) {
      // One at a time, in arrival order: a candidate applied while the description before it is still being
      // set fails ("remote description was null") and is lost.
      this.applying = (this.applying || Promise.resolve()).then(() => this.apply(signal));
      return this.applying;
    },
    async apply(signal) {
      const pc = this.pc;
      if (!pc) return this.inbox.push(signal);
      try {
        if (signal.screen) {
          this.peerScreenId = signal.screen; // the stream of the peer's shared screen, before its track comes
        } else if (signal.description) {
          const description = signal.description;
          const collision = description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
          this.ignoreOffer = !this.polite && collision;
          if (this.ignoreOffer) return;
          await pc.setRemoteDescription(description);
          if (description.type === "offer") {
            if (!this.stream) { // answering before the accept: ready to send, but no track to send yet
              for (const transceiver of pc.getTransceivers()) {
                if (!transceiver.stopped && transceiver.direction === "recvonly") transceiver.direction = "sendrecv";
              }
            }
            await pc.setLocalDescription();
            this.$emit("signal", { description: pc.localDescription.toJSON() });
          }
        } else if (signal.candidate) {
          try {
            await pc.addIceCandidate(signal.candidate);
          } catch (error) {
            if (!this.ignoreOffer) throw error;
          }
        }
      } catch (error) {
        console.warn("could not apply signal", error);
      }
    },
    async reportStats() {
      const pc = this.pc;
      if (!pc) return;
      // Cumulative counters of what was received and sent, and the pair of candidates in use; Python judges.
      const sample = { time: performance.now(), state: pc.connectionState, local: null, remote: null, rtt: null,
        bytesReceived: 0, bytesSent: 0, packetsReceived: 0, packetsLost: 0, width: 0, height: 0, fps: null };
      const stats = await pc.getStats();
      stats.forEach((report) => {
        if (report.type === "transport" && report.selectedCandidatePairId) {
          const pair = stats.get(report.selectedCandidatePairId);
          if (!pair) return;
          sample.rtt = pair.currentRoundTripTime ?? null;
          sample.local = stats.get(pair.localCandidateId)?.candidateType ?? null;
          sample.remote = stats.get(pair.remoteCandidateId)?.candidateType ?? null;
        } else if (report.type === "inbound-rtp") {
          sample.bytesReceived += report.bytesReceived || 0;
          sample.packetsReceived += report.packetsReceived || 0;
          sample.packetsLost += report.packetsLost || 0;
          if (report.kind === "video") {
            sample.width = report.frameWidth || 0;
            sample.height = report.frameHeight || 0;
            sample.fps = report.framesPerSecond ?? null;
          }
        } else if (report.type === "outbound-rtp") {
          sample.bytesSent += report.bytesSent || 0;
        }
      });
      if (this.pc === pc) this.$emit("stats", sample);
    },
    toggleScreen() { // at the click on the share button: the picker needs the click's user gesture
      if (!this.screenAttempt) return this.startScreen();
      this.stopScreen();
      this.$emit("screen", { what: "stopped" });
    },
    async startScreen() {
      const attempt = (this.screenAttempt = {});
      let capture;
      try {
        capture = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch (error) {
        if (this.screenAttempt !== attempt) return;
        this.screenAttempt = null;
        // Closing the browser's picker is a choice, not a failure.
        return this.$emit("screen", error.name === "NotAllowedError" ? { what: "refused" }
          : { what: "failed", reason: error.message || error.name });
      }
      const track = capture.getVideoTracks()[0];
      if (this.screenAttempt !== attempt) return track.stop(); // stopped (or the call ended) while the picker was open
      if (!this.pc) {
        this.screenAttempt = null;
        track.stop();
        return this.$emit("screen", { what: "failed", reason: "the call is not connected yet" });
      }
      track.contentHint = "detail";
      track.onended = () => { // the browser's own "Stop sharing"
        if (this.screenTrack !== track) return;
        this.stopScreen();
        this.$emit("screen", { what: "ended" });
      };
      this.screenTrack = track;
      if (this.screenSender) {
        await this.screenSender.replaceTrack(track);
      } else {
        this.screenStream = new MediaStream();
        this.$emit("signal", { screen: this.screenStream.id });
        // A transceiver of its own, never one the camera may still take (a voice call's), nor theirs.
        this.screenSender = this.pc.addTransceiver(track, { direction: "sendrecv", streams: [this.screenStream] })
          .sender;
      }
      if (this.screenTrack === track) this.$emit("screen", { what: "started" });
    },
    stopScreen() {
      this.screenAttempt = null;
      const track = this.screenTrack;
      this.screenTrack = null;
      if (track) track.stop();
      if (track && this.screenSender && this.pc) this.screenSender.replaceTrack(null).catch(() => {});
    },
    setTrackEnabled(kind, enabled) {
      if (kind === "video") this.videoWanted = this.videoWanted || enabled;
      if (!this.stream) return; // the microphone is not open yet: it opens with what is wanted by then
      const tracks = this.stream.getTracks().filter((track) => track.kind === kind);
      if (kind === "video" && enabled && !tracks.length) return this.addCamera();
      for (const track of tracks) track.enabled = enabled;
    },
    async listDevices() {
      const devices = await navigator.mediaDevices.enumerateDevices();
      const tracks = this.stream ? this.stream.getTracks() : [];
      return {
        devices: devices.map((device) => ({ kind: device.kind, id: device.deviceId, label: device.label })),
        current: Object.fromEntries(tracks.map((track) => [track.kind, track.getSettings().deviceId])),
      };
    },
    async useDevice(kind, deviceId) {
      // No camera yet (a voice call): choosing one does not turn it on.
      if (!this.stream || !this.pc || !this.stream.getTracks().some((track) => track.kind === kind)) return;
      const fresh = await navigator.mediaDevices.getUserMedia({ [kind]: { deviceId: { exact: deviceId } } });
      const track = fresh.getTracks()[0];
      const old = this.stream.getTracks().find((t) => t.kind === kind);
      track.enabled = old ? old.enabled : true;
      const sender = this.pc.getSenders().find((s) => s.track && s.track.kind === kind);
      if (sender) await sender.replaceTrack(track);
      if (old) { this.stream.removeTrack(old); old.stop(); }
      this.stream.addTrack(track);
    },
    releaseMedia() {
      if (this.stream) for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
    },
    stop() {
      this.closed = true;
      this.stopScreen();
      clearTimeout(this.restartTimer);
      clearInterval(this.kickTimer);
      clearInterval(this.statsTimer);
      if (this.pc) this.pc.close();
      this.pc = null;
      this.remoteStream = this.remoteScreen = null;
      this.releaseMedia();
      for (const video of [this.element(this.localVideo), this.remoteView, this.element(this.screenVideo)]) {
        if (video) video.srcObject = null;
      }
      if (this.remoteView) this.remoteView.remove();
    },
    element(id) {
      return id ? document.getElementById(id) : null;
    },
  },
};
