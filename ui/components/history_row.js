// One call in the history: direction icon, the other person, what happened, how long ago and a call-back button,
// drawn from ONE element (every open dashboard holds up to 20 of these on the server). The element's text is the
// result; "how long ago" counts on in the browser from the age the server sent.
export default {
  template: `
    <div class="row w-full items-center no-wrap px-2 py-1 gap-x-3">
      <q-icon :name="icon" :color="color" size="sm" :title="direction" />
      <div class="font-medium">{{ peer }}</div>
      <div class="grow text-xs text-grey-7"><slot></slot> · <span :title="when">{{ ago }}</span></div>
      <q-btn flat round dense color="primary" icon="call" :title="'Call ' + peer + ' back'"
             :aria-label="'Call ' + peer + ' back'" @click="$emit('click')" />
    </div>`,
  props: { peer: String, icon: String, color: String, direction: String, age: Number },
  emits: ["click"], // only the button calls back
  data() {
    const now = Date.now();
    return { started: now - this.age * 1000, now }; // a row's age never changes once sent
  },
  computed: {
    ago() {
      const seconds = (this.now - this.started) / 1000;
      if (seconds < 60) return "just now";
      if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
      if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
      return new Date(this.started).toLocaleDateString();
    },
    when() {
      return new Date(this.started).toLocaleString();
    },
  },
  mounted() {
    this.timer = setInterval(() => (this.now = Date.now()), 20000);
  },
  unmounted() {
    clearInterval(this.timer);
  },
};
