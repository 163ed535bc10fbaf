#pragma once

namespace Switchboard {

class MainWindow;

// Selects the newest call that has a voicemail, as soon as the feed has loaded one, so that
// scripts (scripts/screenshot.sh) can show the details pane with its player without driving
// the keyboard. Gives up quietly when none arrives.
void selectLatestVoicemail(MainWindow *window);

} // namespace Switchboard
