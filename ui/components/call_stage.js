// The video area of a call: the peer's video large, ours small and mirrored, the peer's name, the call's status and
// the peer's muted / camera-off marks. ONE element (the server builds it on both tabs at every accept);
// the media component finds the two videos by their ids.
export default {
  template: `
    <div class="relative w-full bg-black" style="aspect-ratio: 16 / 9; max-height: 70vh">
      <component :is="videoTag" :id="remoteId" data-testid="remote-video" autoplay playsinline
                 class="w-full h-full" style="object-fit: contain"></component>
      <component :is="videoTag" :id="localId" data-testid="local-video" autoplay playsinline :muted="true"
                 class="absolute bottom-3 right-3 w-1/4 rounded shadow-lg border border-grey-8"
                 style="transform: scaleX(-1); background: #222"></component>
      <div class="row absolute top-2 left-3 items-center gap-2">
        <div class="text-lg font-medium" style="text-shadow: 0 1px 3px #000">{{ peer }}</div>
        <div class="text-sm text-grey-4">{{ status }}</div>
        <q-icon v-if="peerMuted" name="mic_off" color="negative" :title="peer + ' muted their microphone'" />
        <q-icon v-if="peerHidden" name="videocam_off" color="negative" :title="peer + ' turned their camera off'" />
      </div>
    </div>`,
  props: {
    peer: String, status: String, videoTag: String, remoteId: String, localId: String,
    peerMuted: Boolean, peerHidden: Boolean,
  },
};
