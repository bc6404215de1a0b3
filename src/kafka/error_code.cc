#include "kafka/error_code.h"

namespace strata::kafka {

ErrorCode error_code_for(const Status& status, log::ProducerError producer_error) {
  switch (producer_error) {
    case log::ProducerError::kOutOfOrderSequence:
      return ErrorCode::kOutOfOrderSequenceNumber;
    case log::ProducerError::kInvalidEpoch:
      return ErrorCode::kInvalidProducerEpoch;
    case log::ProducerError::kUnknownProducer:
      return ErrorCode::kUnknownProducerId;
    case log::ProducerError::kNone:
      break;
  }
  switch (status.code()) {
    case StatusCode::kOk:
      return ErrorCode::kNone;
    case StatusCode::kCorruption:
      return ErrorCode::kCorruptMessage;
    case StatusCode::kResourceExhausted:
      return ErrorCode::kMessageTooLarge;
    case StatusCode::kOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case StatusCode::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    case StatusCode::kAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case StatusCode::kInvalidArgument:
      return ErrorCode::kInvalidRecord;
    case StatusCode::kUnavailable:
    case StatusCode::kIoError:
      return ErrorCode::kKafkaStorageError;
    case StatusCode::kUnsupported:
      return ErrorCode::kUnsupportedVersion;
    case StatusCode::kInternal:
      break;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace strata::kafka
