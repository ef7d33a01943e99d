// The page's sentences in English and French: the technician guide's words (docs/
// technician-guide.md#the-web-viewer). Keys are stable; the tests look for the English ones.
const en = {
  title: 'telemaint — remote maintenance',
  relay: 'Relay', account: 'Account', password: 'Password', code: 'Session code',
  ticket: 'Ticket (optional)', connect: 'Connect', newSession: 'New session',
  codeHint: 'The 12 digits the customer reads to you.',
  codeTypo: 'This code has a typo: read the digits back to the customer.',
  codeInvalid: 'A code has only digits.',
  codeComplete: 'Code checked.',
  keyWebCrypto: 'Your key {fp} is kept in this browser and cannot be copied out of it.',
  keyLibsodium: 'Your key {fp} is kept in this browser\'s storage (this browser has no ' +
    'Ed25519 in WebCrypto, so the key is readable by this page).',
  hostKey: 'Customer\'s computer: key {fp}',
  fit: 'Fit to window', actual: 'Actual size', fullScreen: 'Full screen',
  ctrlAltDel: 'Send Ctrl+Alt+Del', quality: 'Quality', lossless: 'Lossless', high: 'High',
  low: 'Low (slow line)', monitor: 'Monitor', wholeScreen: 'Whole screen',
  viewOnly: 'View only', askControl: 'Ask for control', disconnect: 'Disconnect',
  phase_connecting: 'Connecting to the relay…',
  phase_joining: 'Checking your account…',
  phase_handshake: 'Checking the code with the customer\'s computer…',
  phase_channel: 'Connected end to end: introducing you to the customer…',
  asking: 'Waiting for the customer\'s answer ({time})',
  control: 'You have control of the customer\'s screen.',
  view_only: 'View only — the customer\'s choice. You can ask for control.',
  requestDeclined: 'Your request for control was declined: view only.',
  end_you: 'You ended the session.',
  end_auth_failed: 'Wrong account or password.',
  end_forbidden: 'This account may not join sessions: ask your administrator.',
  end_rate_limited: 'Too many attempts from here: wait and try again.',
  end_unknown_code: 'No customer is waiting with this code: check the first digits with the customer.',
  end_code_expired: 'This code has expired: ask the customer for the new code on their screen.',
  end_code_in_use: 'This code was already used: ask the customer for the new code on their screen.',
  end_pake_failed: 'Wrong code: it is now burned. Ask the customer to read the new code on their screen.',
  end_user_declined: 'The customer declined.',
  end_user_denied: 'The customer declined.',
  end_consent_timeout: 'The customer did not answer in time.',
  end_user_stopped: 'The customer ended the session.',
  end_identity: 'The customer\'s computer could not verify your identity.',
  end_vnc_unavailable: 'The customer\'s computer could not share its screen.',
  end_host_closed: 'The customer\'s computer ended the session.',
  end_host_left: 'The customer\'s computer ended the session.',
  end_integrity: 'The encrypted channel was tampered with or damaged: the session was ended.',
  end_protocol: 'The other side broke the protocol: the session was ended.',
  end_relay_shutdown: 'The relay is restarting: try again in a moment.',
  end_server_busy: 'The relay is busy: try again in a moment.',
  end_timeout: 'The customer\'s computer did not answer in time.',
  end_lost: 'The connection to the relay was lost (or the relay could not be reached).',
  end_other: 'The session ended.',
  relayMessage: 'The relay says: {message}',
  machines: 'Enrolled machines (unattended access)',
  keyForAdmin: 'Your key, for your admin to certify (telemaint-admin certify --key):',
  importCertificate: 'Your certificate (the file your admin made)',
  certificateFor: 'Certificate of {account} ({org}), valid until {date}.',
  noCertificate: 'No certificate yet: give your admin the key above, then import the certificate they make to list and reach machines.',
  certificateExpired: 'This certificate has expired: machines will refuse it. Ask your admin for a new one.',
  listMachines: 'Show machines',
  listing: 'Asking the relay…',
  noMachines: 'No enrolled machine.',
  machineConnect: 'Connect',
  state_online: 'online', state_busy: 'in a session', state_offline: 'offline', state_revoked: 'revoked',
  unverified: 'WARNING: its record is not signed by your organisation',
  end_not_authorised: 'The machine did not accept your certificate, or this page did not accept the machine.',
  end_policy_denied: 'The machine\'s policy does not allow unattended access now.',
  end_unknown_machine: 'The relay knows no such machine.',
  end_machine_offline: 'The machine is offline.',
  end_machine_busy: 'The machine is already in a session.',
  end_not_approved: 'The machine is not approved yet.',
  end_revoked: 'The machine was revoked by your organisation.',
  end_not_configured: 'This relay does not serve enrolled machines.',
  detail: '{sentence} ({detail})',
};

const fr = {
  title: 'telemaint — maintenance à distance',
  relay: 'Relais', account: 'Compte', password: 'Mot de passe', code: 'Code de session',
  ticket: 'Ticket (facultatif)', connect: 'Se connecter', newSession: 'Nouvelle session',
  codeHint: 'Les 12 chiffres que le client vous lit.',
  codeTypo: 'Ce code contient une faute de frappe : relisez les chiffres au client.',
  codeInvalid: 'Un code ne contient que des chiffres.',
  codeComplete: 'Code vérifié.',
  keyWebCrypto: 'Votre clé {fp} est conservée dans ce navigateur et ne peut pas en être copiée.',
  keyLibsodium: 'Votre clé {fp} est conservée dans le stockage de ce navigateur (il n\u2019offre ' +
    'pas Ed25519 dans WebCrypto : la clé est lisible par cette page).',
  hostKey: 'Ordinateur du client : clé {fp}',
  fit: 'Ajuster à la fenêtre', actual: 'Taille réelle', fullScreen: 'Plein écran',
  ctrlAltDel: 'Envoyer Ctrl+Alt+Suppr', quality: 'Qualité', lossless: 'Sans perte',
  high: 'Haute', low: 'Basse (ligne lente)', monitor: 'Écran', wholeScreen: 'Écran entier',
  viewOnly: 'Lecture seule', askControl: 'Demander le contrôle', disconnect: 'Se déconnecter',
  phase_connecting: 'Connexion au relais…',
  phase_joining: 'Vérification de votre compte…',
  phase_handshake: 'Vérification du code avec l\u2019ordinateur du client…',
  phase_channel: 'Connecté de bout en bout : présentation au client…',
  asking: 'En attente de la réponse du client ({time})',
  control: 'Vous contrôlez l\u2019écran du client.',
  view_only: 'Lecture seule — choix du client. Vous pouvez demander le contrôle.',
  requestDeclined: 'Votre demande de contrôle a été refusée : lecture seule.',
  end_you: 'Vous avez mis fin à la session.',
  end_auth_failed: 'Compte ou mot de passe incorrect.',
  end_forbidden: 'Ce compte ne peut pas rejoindre de session : voyez votre administrateur.',
  end_rate_limited: 'Trop de tentatives depuis ce poste : patientez puis réessayez.',
  end_unknown_code: 'Aucun client n\u2019attend avec ce code : vérifiez les premiers chiffres avec le client.',
  end_code_expired: 'Ce code a expiré : demandez au client le nouveau code affiché sur son écran.',
  end_code_in_use: 'Ce code a déjà servi : demandez au client le nouveau code affiché sur son écran.',
  end_pake_failed: 'Code erroné : il est désormais grillé. Demandez au client de lire le nouveau code affiché.',
  end_user_declined: 'Le client a refusé.',
  end_user_denied: 'Le client a refusé.',
  end_consent_timeout: 'Le client n\u2019a pas répondu à temps.',
  end_user_stopped: 'Le client a mis fin à la session.',
  end_identity: 'L\u2019ordinateur du client n\u2019a pas pu vérifier votre identité.',
  end_vnc_unavailable: 'L\u2019ordinateur du client n\u2019a pas pu partager son écran.',
  end_host_closed: 'L\u2019ordinateur du client a mis fin à la session.',
  end_host_left: 'L\u2019ordinateur du client a mis fin à la session.',
  end_integrity: 'Le canal chiffré a été altéré ou endommagé : la session a été arrêtée.',
  end_protocol: 'L\u2019autre côté n\u2019a pas respecté le protocole : la session a été arrêtée.',
  end_relay_shutdown: 'Le relais redémarre : réessayez dans un instant.',
  end_server_busy: 'Le relais est occupé : réessayez dans un instant.',
  end_timeout: 'L\u2019ordinateur du client n\u2019a pas répondu à temps.',
  end_lost: 'La connexion au relais a été perdue (ou le relais est injoignable).',
  end_other: 'La session est terminée.',
  relayMessage: 'Le relais indique : {message}',
  machines: 'Machines enrôlées (accès sans surveillance)',
  keyForAdmin: 'Votre clé, à faire certifier par votre administrateur (telemaint-admin certify --key) :',
  importCertificate: 'Votre certificat (le fichier préparé par votre administrateur)',
  certificateFor: 'Certificat de {account} ({org}), valable jusqu\u2019au {date}.',
  noCertificate: 'Pas encore de certificat : donnez la clé ci-dessus à votre administrateur, puis importez le certificat qu\u2019il prépare pour lister et joindre les machines.',
  certificateExpired: 'Ce certificat a expiré : les machines le refuseront. Demandez-en un nouveau à votre administrateur.',
  listMachines: 'Afficher les machines',
  listing: 'Interrogation du relais…',
  noMachines: 'Aucune machine enrôlée.',
  machineConnect: 'Se connecter',
  state_online: 'en ligne', state_busy: 'en session', state_offline: 'hors ligne', state_revoked: 'révoquée',
  unverified: 'ATTENTION : sa fiche n\u2019est pas signée par votre organisation',
  end_not_authorised: 'La machine n\u2019a pas accepté votre certificat, ou cette page n\u2019a pas accepté la machine.',
  end_policy_denied: 'La politique de la machine n\u2019autorise pas l\u2019accès sans surveillance maintenant.',
  end_unknown_machine: 'Le relais ne connaît pas cette machine.',
  end_machine_offline: 'La machine est hors ligne.',
  end_machine_busy: 'La machine est déjà en session.',
  end_not_approved: 'La machine n\u2019est pas encore approuvée.',
  end_revoked: 'La machine a été révoquée par votre organisation.',
  end_not_configured: 'Ce relais ne sert pas de machines enrôlées.',
  detail: '{sentence} ({detail})',
};

const tables = { en, fr };
let current = en;

export function chooseLanguage(requested) {
  const lang = (requested || navigator.language || 'en').slice(0, 2).toLowerCase();
  current = tables[lang] ?? en;
  document.documentElement.lang = tables[lang] ? lang : 'en';
  return document.documentElement.lang;
}

export function t(key, values = {}) {
  const text = current[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

// The sentence for a session's ending: its reason's, else the relay's own words.
export function endingSentence({ reason, origin, message }) {
  if (origin === 'you' && reason === 'viewer_closed') return t('end_you');
  // This page's own refusal says why (the machine's record, signature or confirmation).
  if (origin === 'you' && reason === 'not_authorised' && message)
    return t('detail', { sentence: t('end_not_authorised'), detail: message });
  if (current[`end_${reason}`]) return t(`end_${reason}`);
  return message ? t('relayMessage', { message }) : t('end_other');
}

// Puts each [data-i18n] element's sentence in place.
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  document.title = t('title');
}
