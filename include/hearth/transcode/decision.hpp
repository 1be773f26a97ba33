#pragma once
// What to send a renderer for one file: the original, a remux, an audio-only transcode or a full transcode.
// Pure: a function of the probed media and the renderer profile.
#include "hearth/media/media_info.hpp"
#include "hearth/renderers/profile.hpp"

#include <optional>
#include <string>
#include <utility>

namespace hearth::transcode {

enum class Action {
    direct,      ///< send the file as it is (sendfile, byte ranges)
    remux,       ///< copy both streams into MPEG-TS (container not playable)
    audio_only,  ///< copy the video, transcode the audio
    full,        ///< transcode the video (and the audio unless it can be copied)
    scale_image, ///< a picture re-encoded as JPEG, scaled to fit (GET /media/<id>/image.jpg)
};

struct Plan {
    Action action = Action::direct;
    bool copy_video = true;
    bool copy_audio = true;
    std::string video_codec;   ///< output codec when not copied ("h264"); empty when there is no video
    std::string audio_codec;   ///< output codec when not copied ("aac", "ac3", "mp3"); empty when no audio
    int width = 0, height = 0; ///< output size when the video is transcoded or the picture scaled (0 = keep)
    int audio_channels = 0;    ///< output channels when the audio is transcoded
    std::string container;     ///< output container when not direct: "mpegts" (video), "mp3" (audio), "jpeg"
    std::string mime;          ///< of the output
    std::optional<std::string> dlna_profile; ///< DLNA.ORG_PN of the output, when one fits
};

/// The least work that makes the file playable on this renderer.
Plan decide(const media::MediaInfo& info, const renderers::Profile& profile);

const char* action_name(Action a);

/// The box a picture sent to this renderer must fit: its image-max, within JPEG_LRG's 4096x4096 when it
/// requires a DLNA.ORG_PN. The image route passes it to media::scaled_jpeg for a scale_image plan.
std::pair<int, int> image_limit(const renderers::Profile& profile);

} // namespace hearth::transcode
