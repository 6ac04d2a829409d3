// A person's avatar: their initial on their own colour (person_avatar.py decides both). Embedded by the rows and
// cards drawn in the browser (directory, history, ringing banner, call view), so it looks the same everywhere.
export default {
  template: `
    <div :data-testid="'avatar-' + avatar.user" aria-hidden="true" :style="style">{{ avatar.initial }}</div>`,
  props: { avatar: Object, size: { type: Number, default: 32 } },
  computed: {
    style() {
      return {
        width: `${this.size}px`, height: `${this.size}px`, fontSize: `${Math.round(this.size * 0.45)}px`,
        background: this.avatar.background, color: this.avatar.color, borderRadius: "50%", flexShrink: 0,
        display: "flex", alignItems: "center", justifyContent: "center", fontWeight: 600, lineHeight: 1,
        userSelect: "none",
      };
    },
  },
};
