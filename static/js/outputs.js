// Báo cáo tổng hợp: choosing another plan reloads the page with that plan's latest period (the period list
// belongs to the plan that was shown). Without JavaScript the "Xem" button does the same job.
document.addEventListener("DOMContentLoaded", () => {
  const plan = document.getElementById("plan");
  const period = document.getElementById("period");
  if (!plan || !period) return;
  plan.addEventListener("change", () => {
    period.disabled = true;  // a disabled field is not sent: the server picks the plan's latest period
    plan.form.submit();
  });
});
