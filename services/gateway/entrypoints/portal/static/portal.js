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

// Deadline countdowns: the server renders the time left (so it reads right without
// JavaScript) and the whole seconds left in data-countdown-seconds; where scripts run, count
// down from that every second (from the server's clock, not this computer's).
const countdowns = [...document.querySelectorAll('[data-countdown-seconds]')]
if (countdowns.length) {
  const loaded = performance.now()
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`
  const words = (seconds) => {
    if (seconds <= 0) return 'closed'
    const days = Math.floor(seconds / 86400)
    const hours = Math.floor((seconds % 86400) / 3600)
    const minutes = Math.floor((seconds % 3600) / 60)
    const secs = seconds % 60
    if (days) return `${plural(days, 'day')} ${plural(hours, 'hour')} left`
    if (hours) return `${plural(hours, 'hour')} ${minutes} min ${secs} sec left`
    if (minutes) return `${minutes} min ${secs} sec left`
    return `${plural(secs, 'second')} left`
  }
  const tick = () => {
    const elapsed = Math.floor((performance.now() - loaded) / 1000)
    let running = false
    for (const el of countdowns) {
      const left = parseInt(el.dataset.countdownSeconds, 10) - elapsed
      if (Number.isNaN(left)) continue
      const text = words(left)
      if (el.textContent !== text) el.textContent = text
      running = running || left > 0
    }
    if (!running) clearInterval(timer)
  }
  const timer = setInterval(tick, 1000)
  tick()
}

// Document uploads: send the form with XMLHttpRequest so a progress bar can show how much has
// gone; without scripts the form posts as usual. The portal answers such a request with where
// to go next (the page that shows the outcome).
for (const form of document.querySelectorAll('form[data-upload]')) {
  const bar = form.querySelector('progress')
  form.addEventListener('submit', (event) => {
    if (!window.XMLHttpRequest || !window.FormData) return
    event.preventDefault()
    const xhr = new XMLHttpRequest()
    xhr.open('POST', form.action)
    xhr.setRequestHeader('X-Portal-Upload', '1')
    bar.hidden = false
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total)
    })
    xhr.addEventListener('load', () => {
      let next = null
      try { next = JSON.parse(xhr.responseText).location } catch (err) { next = null }
      if (next) window.location.assign(next)
      else { document.open(); document.write(xhr.responseText); document.close() }
    })
    xhr.addEventListener('error', () => { form.submit() })
    xhr.send(new FormData(form))
  })
}
