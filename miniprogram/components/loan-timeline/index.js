// A loan's timeline (entries shaped by utils/views.loanView) as Vant's vertical steps, the latest step active.
Component({
  properties: { items: { type: Array, value: [] } },
  data: { steps: [], active: -1 },
  observers: {
    items(items) {
      const steps = (items || []).map((item) => ({
        text: item.actorText ? `${item.actionText} · ${item.actorText}` : item.actionText,
        desc: [item.atText, item.reason || item.note].filter(Boolean).join(' · '),
      }));
      this.setData({ steps, active: steps.length - 1 });
    },
  },
});
