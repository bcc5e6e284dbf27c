// A row of filter chips; emits change with {value}.
Component({
  properties: { options: { type: Array, value: [] }, active: { type: String, value: '' } },
  methods: {
    onTap(event) {
      const { value } = event.currentTarget.dataset;
      if (value !== this.data.active) this.triggerEvent('change', { value });
    },
  },
});
