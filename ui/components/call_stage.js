// The video area of a call: the peer's video large, ours small and mirrored (once our camera is on), the peer's
// name, the call's status and the peer's muted / camera-off marks. ONE element (the server builds it on both tabs at every accept);
// the media component finds the two videos by their ids. The peer's video comes in an element of the media's own
// (a <video> hooked `remote-video` from WebRTC; the Agora SDK's player in the element hooked so), put into
// `remoteId` already playing when the call was revealed before this view was built. Where the peer's video is not
// showing, the peer's avatar, name and the reason (`placeholder`, decided in Python) stand in for it; Python's
// `waitingWords` give way here at once when the first frame shows, not a round trip later.
// It reports what it sees of the peer's video, whichever media component plays it (a <video> of its own, or one the
// Agora SDK puts in the container): `waiting` (no frame yet), `playing`, `stalled` (no new frame for `stallMs`, or the
// track is muted).
// While the peer shares their screen, the screen is large and their camera small. It also puts the shown video into
// the browser's picture-in-picture window and takes it back.
import PersonAvatar from "person_avatar";

const CHECK_MS = 250;

export default {
  template: `
    <div class="call-stage relative w-full bg-black">
      <component :is="videoTag" v-show="sharing === 'peer'" :id="screenId" data-testid="screen-video" autoplay
                 playsinline :muted="true" class="w-full h-full" style="object-fit: contain"></component>
      <div :id="remoteId" :data-testid="videoTag === 'video' ? null : 'remote-video'" class="call-stage-remote"
           :class="sharing === 'peer' ? 'absolute bottom-3 right-3 w-1/4 rounded shadow-lg border border-grey-8'
                                      : 'w-full h-full'" style="aspect-ratio: auto 16 / 9"></div>
      <div v-if="placeholder && sharing !== 'peer' && !(placeholder === waitingWords && seen === 'playing')"
           data-testid="remote-placeholder"
           class="absolute-full column flex-center no-wrap gap-3 bg-grey-10 text-white q-pa-md">
        <person-avatar :avatar="avatar" :size="96" />
        <div class="text-xl font-medium text-center">{{ peer }}</div>
        <div data-testid="remote-placeholder-state" class="text-base text-grey-4">{{ placeholder }}</div>
      </div>
      <component :is="videoTag" v-show="ownCamera" :id="localId" data-testid="local-video" autoplay playsinline
                 :muted="true" class="call-stage-local absolute bottom-3 rounded shadow-lg border border-grey-8"
                 :class="sharing === 'peer' ? 'left-3 w-1/6' : 'right-3 w-1/4'"
                 style="transform: scaleX(-1); background: #222"></component>
      <div class="row absolute top-2 left-3 items-center gap-2">
        <div class="text-lg font-medium text-white" style="text-shadow: 0 1px 3px #000">{{ peer }}</div>
        <div class="text-sm text-grey-4">{{ status }}</div>
        <q-icon v-if="peerMuted" name="mic_off" color="negative" :title="peer + ' muted their microphone'" />
        <q-icon v-if="peerHidden" name="videocam_off" color="negative" :title="peer + ' turned their camera off'" />
        <div v-if="sharing" class="text-sm text-white bg-grey-9 rounded px-2">
          {{ sharing === 'me' ? 'You are sharing your screen' : peer + ' is sharing their screen' }}</div>
      </div>
    </div>`,
  components: { PersonAvatar },
  props: {
    peer: String, status: String, videoTag: String, remoteId: String, localId: String, screenId: String,
    peerMuted: Boolean, peerHidden: Boolean, avatar: Object, placeholder: String, stallMs: Number,
    ownCamera: Boolean, sharing: String, waitingWords: String,
  },
  data() {
    return { seen: "waiting" };
  },
  watch: {
    // A picture-in-picture window open on the peer's camera moves to their screen when they share, and back.
    sharing: { handler: "movePictureInPicture", flush: "post" },
  },
  mounted() {
    this.reported = "waiting"; // what Python assumes until told otherwise
    this.checker = setInterval(() => this.check(), CHECK_MS);
    this.$nextTick(() => this.check()); // a video adopted playing shows at once
    this.onPip = (event) => this.$emit("pip", { on: event.type === "enterpictureinpicture" });
    this.$el.addEventListener("enterpictureinpicture", this.onPip);
    this.$el.addEventListener("leavepictureinpicture", this.onPip);
  },
  beforeUnmount() {
    if (this.ownsPictureInPicture()) document.exitPictureInPicture().catch(() => {}); // the call is over
  },
  unmounted() {
    clearInterval(this.checker);
    this.watch = null;
  },
  methods: {
    shownVideo() {
      const host = document.getElementById(this.sharing === "peer" ? this.screenId : this.remoteId);
      if (!host) return null;
      return host.tagName === "VIDEO" ? host : host.querySelector("video"); // Agora's SDK plays into a container
    },
    ownsPictureInPicture() {
      return !!document.pictureInPictureElement && this.$el.contains(document.pictureInPictureElement);
    },
    async enterPictureInPicture() {
      const video = this.shownVideo();
      if (!video || video.readyState < 1) return this.$emit("pip-failed", { reason: "no video to show yet" });
      if (document.pictureInPictureElement === video) return;
      try {
        await video.requestPictureInPicture();
      } catch (error) {
        this.$emit("pip-failed", { reason: error.message || error.name });
      }
    },
    async movePictureInPicture() {
      // The newly shown video may have no picture yet (or, with Agora, no <video> yet): wait for it a while.
      const sharing = this.sharing;
      for (let tries = 0; tries < 50 && this.sharing === sharing && this.ownsPictureInPicture(); tries++) {
        const video = this.shownVideo();
        if (video && video.readyState >= 1) return this.enterPictureInPicture();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async togglePictureInPicture() {
      if (!document.pictureInPictureEnabled) return this.$emit("pip-failed", { reason: "this browser has none" });
      if (this.ownsPictureInPicture()) return document.exitPictureInPicture().catch(() => {});
      return this.enterPictureInPicture();
    },
    check() {
      const slot = document.getElementById(this.remoteId);
      const video = slot && (slot.tagName === "VIDEO" ? slot : slot.querySelector("video"));
      const stream = video ? video.srcObject : null;
      if (video !== this.video || stream !== this.stream) this.follow(video, stream);
      const track = stream && stream.getVideoTracks ? stream.getVideoTracks()[0] : null;
      if (video && !video.requestVideoFrameCallback && video.currentTime !== this.lastTime) {
        this.lastTime = video.currentTime; // no frame callbacks in this browser: a playing video's time moves on
        if (video.videoWidth) this.lastFrame = performance.now();
      }
      let state = "playing";
      if (!track || track.readyState === "ended" || this.lastFrame === null) state = "waiting";
      else if (track.muted || performance.now() - this.lastFrame > this.stallMs) state = "stalled";
      this.seen = state;
      if (state !== this.reported) {
        this.reported = state;
        this.$emit("video", { state });
      }
    },
    follow(video, stream) {
      // A new video or stream (the call started, or the Agora SDK played a new track): no frame of it yet, unless
      // it is a video adopted playing (revealed before this view was built), which shows its picture already.
      this.video = video;
      this.stream = stream;
      this.lastFrame = video && video.videoWidth > 0 ? performance.now() : null;
      this.lastTime = null;
      const watch = (this.watch = {}); // ends the frame callbacks of the one followed before
      if (!video || !video.requestVideoFrameCallback) return;
      const frame = () => {
        if (this.watch !== watch) return;
        const first = this.lastFrame === null;
        this.lastFrame = performance.now();
        if (first) this.check(); // the first frame: no waiting for the next check
        video.requestVideoFrameCallback(frame);
      };
      video.requestVideoFrameCallback(frame);
    },
  },
};
