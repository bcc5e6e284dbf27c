// A loan's timeline (entries shaped by utils/views.loanView).
Component({ properties: { items: { type: Array, value: [] } } });
