#include "host/extras_texts.h"

#include <cstdio>

namespace telemaint::host {
namespace {

constexpr ExtrasTexts kEnglish{
    "%s wants to send you the file “%s” (%s).",
    "Type a and Enter to accept it, d to refuse it.",
    "telemaint — a file from the technician",
    "File “%s”: %s of %s",
    "File received: %s (SHA-256 %s)",
    "File sent: %s (SHA-256 %s)",
    "File “%s”: %s",
    "refused",
    "cancelled",
    "failed",
    "Message from %s: %s",
    "You",
    "During the session: m MESSAGE writes to the technician, f PATH sends them a file, c "
    "switches clipboard sharing, x cancels the transfers.",
    "The clipboard is shared with the technician.",
    "The clipboard will be shared once the technician has control.",
    "The clipboard is not shared.",
    "Send a file…",
    "Chat",
    "telemaint — chat and files",
    "Send",
    "Save…",
    "Cancel",
    "Accept",
    "Refuse",
    "Clipboard",
    "The conversation was saved in %s.",
};

constexpr ExtrasTexts kFrench{
    "%s veut vous envoyer le fichier « %s » (%s).",
    "Tapez a puis Entrée pour l’accepter, d pour le refuser.",
    "telemaint — un fichier envoyé par l’assistance",
    "Fichier « %s » : %s sur %s",
    "Fichier reçu : %s (SHA-256 %s)",
    "Fichier envoyé : %s (SHA-256 %s)",
    "Fichier « %s » : %s",
    "refusé",
    "annulé",
    "échec",
    "Message de %s : %s",
    "Vous",
    "Pendant la session : m MESSAGE écrit au technicien ou à la technicienne, f CHEMIN lui "
    "envoie un fichier, c active ou coupe le presse-papiers partagé, x annule les transferts.",
    "Le presse-papiers est partagé avec le technicien ou la technicienne.",
    "Le presse-papiers sera partagé dès que la prise de main sera autorisée.",
    "Le presse-papiers n’est pas partagé.",
    "Envoyer un fichier…",
    "Discussion",
    "telemaint — discussion et fichiers",
    "Envoyer",
    "Enregistrer…",
    "Annuler",
    "Accepter",
    "Refuser",
    "Presse-papiers",
    "La conversation a été enregistrée dans %s.",
};

}  // namespace

const ExtrasTexts& ExtrasTextsFor(Language language) {
  return language == Language::kFrench ? kFrench : kEnglish;
}

std::string HumanSize(uint64_t bytes, Language language) {
  const bool fr = language == Language::kFrench;
  if (bytes < 1024) return std::to_string(bytes) + (fr ? " octets" : " bytes");
  const char* units_en[] = {"KB", "MB", "GB", "TB"};
  const char* units_fr[] = {"Ko", "Mo", "Go", "To"};
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) value /= 1024, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, fr ? units_fr[unit] : units_en[unit]);
  std::string out = text;
  if (fr)
    for (char& c : out)
      if (c == '.') c = ',';
  return out;
}

std::string TransferLine(const peer::TransferView& t, Language language) {
  const ExtrasTexts& x = ExtrasTextsFor(language);
  switch (t.state) {
    case peer::TransferState::kCompleted:
      return Fill(t.outgoing ? x.file_sent : x.file_received, t.outgoing ? t.name : t.path,
                  t.sha256);
    case peer::TransferState::kRefused:
    case peer::TransferState::kCancelled:
    case peer::TransferState::kFailed: {
      const char* word = t.state == peer::TransferState::kRefused     ? x.refused
                         : t.state == peer::TransferState::kCancelled ? x.cancelled
                                                                      : x.failed;
      return Fill(x.file_ended, t.name,
                  std::string(word) + (t.detail.empty() ? "" : " (" + t.detail + ")"));
    }
    default:
      return Fill(x.file_progress, t.name, HumanSize(t.done, language),
                  HumanSize(t.size, language));
  }
}

}  // namespace telemaint::host
