// Ringtone, ringback, tab-title flashing, desktop notifications and the leave-page warning.
// Sounds are synthesised with Web Audio (no audio files). Browsers keep audio locked until the
// first click or key press on the page; this component reports when that has happened.
const PATTERNS = {
  // [frequencies in Hz, seconds on, seconds per cycle]
  ringtone: [[659, 880], 0.35, 1.6],
  ringback: [[440, 480], 1.2, 3.5],
};

export default {
  template: `<span style="display:none"></span>`,
  data() {
    return { mode: "none", timer: null, releaseLock: null, titleTimer: null, notification: null, guarding: false };
  },
  mounted() {
    this.context = new (window.AudioContext || window.webkitAudioContext)();
    this.unlock = () => {
      this.context.resume().then(() => this.report());
      if (window.Notification && Notification.permission === "default") Notification.requestPermission();
    };
    // At the click, not the press: the "sound is off" chip goes away then, and going at the press it moved the page
    // under the pointer, so that the release, and the click with it (often Accept), landed elsewhere.
    document.addEventListener("click", this.unlock, { capture: true });
    document.addEventListener("keydown", this.unlock, { capture: true });
    this.context.onstatechange = () => this.report();
    this.onVisible = () => { if (!document.hidden) this.stopAlert(); };
    document.addEventListener("visibilitychange", this.onVisible);
    this.onBeforeUnload = (event) => {
      if (!this.guarding) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", this.onBeforeUnload);
    this.report();
  },
  unmounted() {
    this.play("none");
    this.stopAlert();
    document.removeEventListener("click", this.unlock, { capture: true });
    document.removeEventListener("keydown", this.unlock, { capture: true });
    document.removeEventListener("visibilitychange", this.onVisible);
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    this.context.close();
  },
  methods: {
    report() {
      this.$emit("audio", { locked: this.context.state !== "running" });
      if (this.context.state === "running" && this.mode === "ringtone" && !this.timer) this.play("ringtone");
    },
    async play(mode) {
      clearInterval(this.timer);
      this.timer = null;
      if (this.releaseLock) this.releaseLock();
      this.releaseLock = null;
      this.mode = mode;
      if (mode === "none" || this.context.state !== "running") return;
      if (mode === "ringtone" && navigator.locks) {
        // One ringing tab per browser is enough: the first tab to take the lock rings, the others stay quiet.
        const held = await new Promise((resolve) => {
          navigator.locks.request("ringboard-ringtone", { ifAvailable: true }, (lock) => {
            if (!lock) return resolve(false);
            resolve(true);
            return new Promise((release) => (this.releaseLock = release));
          });
        });
        if (!held || this.mode !== mode) return;
      }
      const [frequencies, on, cycle] = PATTERNS[mode];
      const beep = () => {
        const now = this.context.currentTime;
        const gain = this.context.createGain();
        gain.gain.setValueAtTime(0, now);
        gain.gain.linearRampToValueAtTime(0.15, now + 0.02);
        gain.gain.setValueAtTime(0.15, now + on - 0.05);
        gain.gain.linearRampToValueAtTime(0, now + on);
        gain.connect(this.context.destination);
        for (const frequency of frequencies) {
          const oscillator = this.context.createOscillator();
          oscillator.frequency.value = frequency;
          oscillator.connect(gain);
          oscillator.start(now);
          oscillator.stop(now + on);
        }
      };
      beep();
      this.timer = setInterval(beep, cycle * 1000);
    },
    alert(title, body) {
      // Only a hidden tab needs help getting noticed.
      this.stopAlert();
      if (!document.hidden) return;
      const original = document.title;
      let flip = false;
      this.titleTimer = setInterval(() => { document.title = (flip = !flip) ? title : original; }, 1000);
      this.restoreTitle = () => (document.title = original);
      if (window.Notification && Notification.permission === "granted") {
        this.notification = new Notification(title, { body, tag: "ringboard-call", requireInteraction: true });
        this.notification.onclick = () => { window.focus(); this.stopAlert(); };
      }
    },
    stopAlert() {
      clearInterval(this.titleTimer);
      this.titleTimer = null;
      if (this.restoreTitle) this.restoreTitle();
      this.restoreTitle = null;
      if (this.notification) this.notification.close();
      this.notification = null;
    },
    guard(on) {
      this.guarding = on;
    },
  },
};
