// A ringing call as ONE element (the server builds one on every tab of both people at each invitation): the icon,
// the other person's avatar, the words and the seconds left. The element's text is the other person's name; its
// buttons come in the `actions` slot, as elements of their own whose clicks Python handles. The calling tab shows
// the caller's own camera beside them (the media component plays into the video by its id). The callee's banner is
// an alert (an assertive live region): a screen reader says "alice is calling you" as it appears; the seconds left,
// which change every second, are left out of it (aria-live off), and so are the replies opened under it (the
// `replies` slot). From the accept until the call view is built, the call media plays the other person in the
// element `revealId` (empty before; in a voice call it plays unseen).
import PersonAvatar from "person_avatar";

export default {
  template: `
    <q-card class="nicegui-card w-full" :class="incoming ? 'bg-primary text-white' : ''"
            :role="incoming ? 'alert' : null" :aria-live="incoming ? 'assertive' : null">
      <div class="row w-full items-center gap-4">
        <q-icon v-if="incoming" name="ring_volume" size="lg" class="animate-bounce" />
        <q-spinner-audio v-else size="lg" color="primary" />
        <person-avatar :avatar="avatar" :size="48" />
        <div class="column grow gap-0">
          <div v-if="incoming" class="row items-baseline gap-1">
            <span class="text-xl font-semibold" data-testid="incoming-caller"><slot></slot></span>
            <span class="text-lg">is calling you · {{ kind }}</span>
          </div>
          <div v-else class="text-xl font-semibold">Calling <slot></slot>… <span class="text-base">({{ kind }})</span></div>
          <div class="text-sm" :class="incoming ? 'opacity-80' : 'text-grey-7'" aria-live="off">{{ countdown }}</div>
        </div>
        <video v-if="previewId" :id="previewId" data-testid="outgoing-preview" autoplay playsinline :muted="true"
               class="rounded shadow" title="Your camera: this is what they will see"
               style="width: 160px; aspect-ratio: 16 / 9; transform: scaleX(-1); background: #222"></video>
        <slot name="actions"></slot>
      </div>
      <div aria-live="off"><slot name="replies"></slot></div>
      <div :id="revealId" v-show="kind !== 'voice call'" class="ringing-reveal w-full overflow-hidden rounded"></div>
    </q-card>`,
  components: { PersonAvatar },
  props: { incoming: Boolean, countdown: String, previewId: String, revealId: String, avatar: Object, kind: String },
};
