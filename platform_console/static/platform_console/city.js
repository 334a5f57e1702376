// Live preview of a city's colours: the preview frame follows the colour inputs as they change.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-preview-form]");
  const frame = document.getElementById("preview");
  if (!form || !frame) return;
  const base = frame.getAttribute("src").split("?")[0];
  const update = () => {
    const query = new URLSearchParams({
      primary_colour: form.elements.primary_colour.value,
      accent_colour: form.elements.accent_colour.value,
    });
    frame.setAttribute("src", `${base}?${query}`);
  };
  form.elements.primary_colour.addEventListener("input", update);
  form.elements.accent_colour.addEventListener("input", update);
});
