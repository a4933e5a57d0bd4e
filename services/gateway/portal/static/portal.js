// Progressive enhancement: GOV.UK Frontend components and the live weights total.
import { initAll } from './govuk/govuk-frontend.min.js'

initAll()

const total = document.querySelector('[data-weights-total]')
if (total) {
  const inputs = [...document.querySelectorAll('input[data-weight]')]
  const update = () => {
    const sum = inputs.reduce((acc, el) => acc + (parseInt(el.value, 10) || 0), 0)
    total.textContent = `Weights add up to ${sum} (they must add up to 100)`
    total.classList.toggle('app-weights--bad', sum !== 100)
  }
  inputs.forEach((el) => el.addEventListener('input', update))
  update()
}
