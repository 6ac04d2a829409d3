// One person in the directory: avatar, name, presence badge and the voice- and video-call buttons drawn from ONE
// element, so a server with
// a thousand open dashboards holds one element per row instead of four. The badge shows the element's text.
import PersonAvatar from "person_avatar";

export default {
  template: `
    <div class="person-row row w-full items-center no-wrap gap-x-3 px-2 py-1 rounded">
      <person-avatar :avatar="avatar" />
      <div class="grow truncate" :data-testid="'name-' + user">{{ name }}</div>
      <q-badge :color="color" :data-testid="'status-' + user"><slot></slot></q-badge>
      <q-btn flat round dense color="primary" icon="call" :title="'Voice call ' + name"
             :aria-label="'Voice call ' + name" :data-testid="'voice-call-' + user" @click="$emit('click', 'voice')" />
      <q-btn flat round dense color="primary" icon="videocam" :title="'Video call ' + name"
             :aria-label="'Video call ' + name" :data-testid="'call-' + user" @click="$emit('click')" />
    </div>`,
  components: { PersonAvatar },
  props: { user: String, name: String, color: String, avatar: Object },
  emits: ["click"], // only the buttons call (the voice button with "voice"): a click elsewhere on the row does nothing
};
