// Horizontal bars (no canvas): items [{label, value, valueText}], scaled to the largest value.
Component({
  properties: { title: { type: String, value: '' }, items: { type: Array, value: [] } },
  data: { bars: [] },
  observers: {
    items(items) {
      const max = Math.max(0, ...items.map((i) => Number(i.value) || 0));
      this.setData({
        bars: items.map((i) => ({
          label: i.label,
          valueText: i.valueText !== undefined ? i.valueText : String(i.value),
          percent: max > 0 ? Math.round(((Number(i.value) || 0) / max) * 100) : 0,
        })),
      });
    },
  },
});
