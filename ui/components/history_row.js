// One call in the history: the other person's avatar and name, the direction icon, the kind of call, what happened,
// how long ago and the voice and video call-back buttons, drawn from ONE element (every open dashboard holds up to 20
// of these on the server). The element's text is the result; "how long ago" counts on in the browser from the age
// the server sent. On a phone the name and the rest take two lines (small_screens.css).
import PersonAvatar from "person_avatar";

export default {
  template: `
    <div class="history-row row w-full items-center no-wrap px-2 py-1 gap-x-3">
      <person-avatar :avatar="avatar" />
      <div class="history-row-text row grow items-baseline no-wrap gap-x-3" style="min-width: 0">
        <div class="font-medium truncate">{{ peer }}</div>
        <div class="row items-center no-wrap gap-x-1 text-xs text-grey-7">
          <q-icon :name="icon" :color="color" size="xs" :title="direction" />
          <span>{{ kind }} · <slot></slot> · <span :title="when">{{ ago }}</span></span>
        </div>
      </div>
      <q-btn flat round dense color="primary" icon="call" :title="'Voice call back to ' + peer"
             :aria-label="'Voice call back to ' + peer" data-testid="voice-call-back" @click="$emit('voice-call')" />
      <q-btn flat round dense color="primary" icon="videocam" :title="'Call ' + peer + ' back'"
             :aria-label="'Call ' + peer + ' back'" @click="$emit('click')" />
    </div>`,
  components: { PersonAvatar },
  props: { peer: String, icon: String, color: String, direction: String, age: Number, avatar: Object, kind: String },
  emits: ["click", "voice-call"], // only the buttons call back
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
