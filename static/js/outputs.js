// Báo cáo tổng hợp: the period list belongs to the plan that was shown. Choosing another plan does not
// reload the page by itself (WCAG 3.2.2: no change of context on input); it sets the period list aside,
// so that "Xem" loads the chosen plan with its latest period and that plan's own list of periods.
document.addEventListener("DOMContentLoaded", () => {
  const plan = document.getElementById("plan");
  const period = document.getElementById("period");
  if (!plan || !period) return;
  const shown = plan.value;
  plan.addEventListener("change", () => {
    period.disabled = plan.value !== shown;  // a disabled field is not sent: the server picks the latest period
  });
});
