// One call in the history: direction icon, the other person, what happened and a call-back button, drawn from
// ONE element (every open dashboard holds up to 20 of these on the server). The element's text is the result.
export default {
  template: `
    <div class="row w-full items-center no-wrap px-2 py-1 gap-x-3">
      <q-icon :name="icon" :color="color" size="sm" :title="direction" />
      <div class="font-medium">{{ peer }}</div>
      <div class="grow text-xs text-grey-7"><slot></slot></div>
      <q-btn flat round dense color="primary" icon="call" :title="'Call ' + peer + ' back'"
             :aria-label="'Call ' + peer + ' back'" @click="$emit('click')" />
    </div>`,
  props: { peer: String, icon: String, color: String, direction: String },
  emits: ["click"], // only the button calls back
};
